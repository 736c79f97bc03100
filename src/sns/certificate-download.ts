/**
 * One download of a signing certificate, with Node's own http/https and agents that keep at most
 * `maxSockets` connections open in total (in use or idle): whatever the posts name, this process
 * never holds more connections to certificate hosts than CertificateCache downloads at once.
 * (fetch's pool opens a new connection when a slot is handed over before the previous one is
 * returned to it, and closes none of them; an Agent's `maxTotalSockets` is a hard bound.)
 */
import http from "node:http";
import https from "node:https";
import { ChatbotError, ErrorCode } from "../errors";

export function fetchFailed(reason: string, cause?: unknown): ChatbotError {
  return new ChatbotError(
    ErrorCode.SnsCertificateFetchFailed,
    `could not get the SNS signing certificate: ${reason}`,
    cause === undefined ? undefined : { cause },
  );
}

export interface CertificateAgents {
  "http:": http.Agent;
  "https:": https.Agent;
}

/** Keep-alive agents (idle sockets are unref'd by Node, so they never hold the process open). */
export function certificateAgents(maxSockets: number): CertificateAgents {
  const options = { keepAlive: true, maxSockets, maxTotalSockets: maxSockets };
  return { "http:": new http.Agent(options), "https:": new https.Agent(options) };
}

export interface DownloadOptions {
  agents: CertificateAgents;
  /** Whole request, connect to last byte. */
  timeoutMs: number;
  /** Bytes refused past this, counted as they stream in (Content-Length may be absent or lie). */
  maxBytes: number;
}

/** The body of a 200 answer; anything else rejects with SnsCertificateFetchFailed. No redirects. */
export function downloadCertificate(url: string, options: DownloadOptions): Promise<Buffer> {
  let target: URL;
  try {
    target = new URL(url);
  } catch (error) {
    return Promise.reject(fetchFailed("the certificate URL is not a URL", error));
  }
  const protocol = target.protocol;
  if (protocol !== "http:" && protocol !== "https:") {
    return Promise.reject(fetchFailed(`the certificate URL uses ${protocol}`));
  }
  const transport = protocol === "https:" ? https : http;
  const tooLarge = () => fetchFailed(`the certificate is larger than ${options.maxBytes} bytes`);

  return new Promise<Buffer>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const fail = (error: ChatbotError) =>
      settle(() => {
        request.destroy();
        reject(error);
      });
    const request = transport.get(target, { agent: options.agents[protocol] }, (response) => {
      const status = response.statusCode ?? 0;
      const declared = Number(response.headers["content-length"]);
      if (status === 200 && Number.isFinite(declared) && declared > options.maxBytes) {
        fail(tooLarge());
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      response.on("data", (chunk: Buffer) => {
        total += chunk.length;
        if (total > options.maxBytes) {
          fail(status === 200 ? tooLarge() : fetchFailed(`the certificate URL answered HTTP ${status}`));
          return;
        }
        chunks.push(chunk);
      });
      // The body of an error answer is read (capped) too, so its connection can be reused.
      response.on("end", () =>
        settle(() => {
          if (status === 200) resolve(Buffer.concat(chunks, total));
          else reject(fetchFailed(`the certificate URL answered HTTP ${status}`));
        }),
      );
      response.on("error", (error) => fail(fetchFailed(`the answer broke off (${error.message})`, error)));
      response.on("close", () => fail(fetchFailed("the answer broke off")));
    });
    const timer = setTimeout(
      () => fail(fetchFailed(`no complete answer within ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    request.on("error", (error) => fail(fetchFailed(`the request failed (${error.message})`, error)));
  });
}
