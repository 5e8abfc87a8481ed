import { IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

export interface HttpPostOptions {
  headers: Record<string, string>;
  signal: AbortSignal;
  /** The egress policy's guarded lookup for rule-supplied URLs; system DNS otherwise. */
  lookup?: LookupFunction;
}

export interface HttpPostResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The start of the body only: enough for an error message, bounded against huge replies. */
  body: string;
}

const MAX_BODY_BYTES = 4096;

/**
 * One POST, nothing more: no redirects followed (node never does), no retries, no keep-alive
 * (a fresh connection per attempt re-runs the guarded lookup, so a socket opened under one
 * DNS answer is never reused under another). Rejects on network errors and on abort.
 */
export function httpPost(
  url: URL,
  body: string,
  options: HttpPostOptions,
): Promise<HttpPostResponse> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      url,
      {
        method: 'POST',
        headers: { ...options.headers, 'Content-Length': String(Buffer.byteLength(body)) },
        signal: options.signal,
        lookup: options.lookup,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = () =>
          resolve({
            statusCode: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8'),
          });
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          size += chunk.length;
          // The status is known; the rest of a huge body is not worth waiting for.
          if (size >= MAX_BODY_BYTES) {
            res.destroy();
            finish();
          }
        });
        res.on('end', finish);
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
