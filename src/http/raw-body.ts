/**
 * Reads a request body as UTF-8 text with Node's own streams, for routes served before Express (the
 * SNS endpoint, the hot path): a size limit checked against Content-Length before anything is read
 * and against the bytes as they arrive, no decompression, no charset other than UTF-8.
 */
import type { IncomingMessage } from "node:http";

export class BodyRejected extends Error {
  constructor(
    readonly status: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
    this.name = "BodyRejected";
  }
}

const UTF8_CHARSETS = new Set(["utf-8", "utf8", "us-ascii"]);

/** The charset parameter of a Content-Type, lower-cased, or undefined. */
function charsetOf(contentType: string | undefined): string | undefined {
  const match = contentType === undefined ? null : /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType);
  return match?.[1]?.toLowerCase();
}

/**
 * Resolves with the body's text; rejects with BodyRejected (413 over `limit` bytes, 415 for a
 * content encoding or charset we do not take, 400 when the request breaks off). On a rejection the
 * rest of the body is discarded, so the answer can still be written on a healthy connection.
 */
export function readUtf8Body(request: IncomingMessage, limit: number): Promise<string> {
  const encoding = request.headers["content-encoding"]?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== "" && encoding !== "identity") {
    return discard(request, new BodyRejected(415, `content encoding "${encoding}" is not supported`));
  }
  const charset = charsetOf(request.headers["content-type"]);
  if (charset !== undefined && !UTF8_CHARSETS.has(charset)) {
    return discard(request, new BodyRejected(415, `charset "${charset}" is not supported: send UTF-8`));
  }
  const declared = Number(request.headers["content-length"]);
  if (declared > limit) return discard(request, tooLarge(limit));

  return new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > limit) {
        cleanup();
        chunks.length = 0;
        request.resume();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(
        chunks.length === 1 ? chunks[0].toString("utf8") : Buffer.concat(chunks, received).toString("utf8"),
      );
    };
    const onAborted = () => {
      cleanup();
      reject(new BodyRejected(400, "the request ended before its body was complete"));
    };
    const cleanup = () => {
      request.off("data", onData);
      request.off("end", onEnd);
      request.off("error", onAborted);
      request.off("aborted", onAborted);
    };
    request.on("data", onData);
    request.on("end", onEnd);
    request.on("error", onAborted);
    request.on("aborted", onAborted);
  });
}

function tooLarge(limit: number): BodyRejected {
  return new BodyRejected(413, `body is over the limit of ${limit} bytes`);
}

/** Lets the body flow to nowhere and rejects: the answer is written while the client still sends. */
function discard(request: IncomingMessage, rejection: BodyRejected): Promise<never> {
  request.resume();
  return Promise.reject(rejection);
}
