/**
 * autocannon driving POST requests whose bodies come, one per request, from a pre-built list: every
 * request is distinct (for SNS, a new MessageId), and building the list costs nothing while timing.
 */
import autocannon from "autocannon";

export interface LoadOptions {
  url: string;
  path: string;
  headers: Record<string, string>;
  bodies: readonly string[];
  /** Index of the first body to use. */
  from: number;
  /**
   * What to do when the list runs out. "cycle": start again from the first body (for a server that
   * only parses). A string: stop the run early, sending this body (which must not answer 2xx) to
   * the requests already under way, so that no body is ever sent twice.
   */
  whenExhausted: "cycle" | { filler: string };
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  /** Index after the last body handed out (some of the last ones may be built but never sent). */
  next: number;
  /** The list ran out before the duration was over: the run stopped early. */
  exhausted: boolean;
  durationSeconds: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let next = options.from;
  let exhausted = false;
  let instance: autocannon.Instance | undefined;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        // SNS gives an endpoint 15 s; anything slower is a failure.
        timeout: 15,
        requests: [
          {
            method: "POST",
            path: options.path,
            headers: options.headers,
            setupRequest: (request) => {
              if (next >= options.bodies.length) {
                const policy = options.whenExhausted;
                if (policy === "cycle") {
                  next = 0;
                } else {
                  if (!exhausted) {
                    exhausted = true;
                    setImmediate(() => instance?.stop());
                  }
                  return { ...request, body: policy.filler };
                }
              }
              const body = options.bodies[next];
              next += 1;
              return { ...request, body };
            },
          },
        ],
      },
      (error, value) => (error ? reject(error) : resolve(value)),
    );
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries(result.statusCodeStats ?? {}))
    statusCodes[code] = stats.count ?? 0;
  return {
    next,
    exhausted,
    durationSeconds: result.duration,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes,
    requestsPerSecond: Math.round(result["2xx"] / result.duration),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: Math.round(result.latency.mean * 100) / 100,
    },
  };
}
