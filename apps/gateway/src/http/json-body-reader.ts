import type { IncomingMessage } from 'node:http';
import { isNestedDeeperThan } from '@app/contracts';
import type { BodyParserError } from './body-errors';

export type JsonBodyResult = { ok: true; body: unknown } | { ok: false; error: BodyParserError };

/** The media types the direct reader takes: JSON in UTF-8, the only charset JSON has today. */
const PLAIN_JSON = /^application\/json\s*(;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

/**
 * Whether `readJsonBody` can read this request's body exactly as `express.json` (body-parser)
 * would: a JSON content type in UTF-8, no content encoding, and a declared length within the
 * limit. Anything else (gzip, another charset, a chunked body, one over the limit) is left to
 * body-parser itself, which these few lines do not try to imitate.
 */
export function isPlainJsonRequest(req: IncomingMessage, limitBytes: number): boolean {
  const { headers } = req;
  const type = headers['content-type'];
  const encoding = headers['content-encoding'];
  const length = headers['content-length'];
  return (
    type !== undefined &&
    PLAIN_JSON.test(type) &&
    (encoding === undefined || encoding.toLowerCase() === 'identity') &&
    length !== undefined &&
    Number(length) <= limitBytes
  );
}

/**
 * Reads a body that `isPlainJsonRequest` accepted, with what body-parser answers for it: the
 * parsed value (`{}` for an empty body), or an error of the same type and message (too deep
 * before parsing, then malformed, then not an object or array), which bodyErrorHandler turns
 * into the same 400. body-parser's own path costs a tenth of the CPU of a one-event request
 * (its stream plumbing, charset and type checks made again per request).
 */
export function readJsonBody(req: IncomingMessage, maxDepth: number): Promise<JsonBodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const finish = (result: JsonBodyResult) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('aborted', onAborted);
      req.off('error', onAborted);
      resolve(result);
    };
    const onEnd = () =>
      finish(parseJsonBody(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks), maxDepth));
    const onAborted = () =>
      finish({ ok: false, error: bodyError('request aborted', 'request.aborted') });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('aborted', onAborted);
    req.on('error', onAborted);
  });
}

/** A whole body, read: what body-parser's verify (the depth) and strict JSON parser make of it. */
export function parseJsonBody(raw: Buffer, maxDepth: number): JsonBodyResult {
  if (isNestedDeeperThan(raw, maxDepth)) {
    return {
      ok: false,
      error: bodyError(`request body is nested deeper than ${maxDepth} levels`, 'entity.too.deep'),
    };
  }
  let text = raw.toString('utf8');
  // body-parser decodes with iconv-lite, which drops a byte order mark.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.length === 0) return { ok: true, body: {} };
  const first = firstNonWhitespace(text);
  if (first !== '{' && first !== '[') {
    return {
      ok: false,
      error: bodyError(strictViolationMessage(text, first), 'entity.parse.failed'),
    };
  }
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, error: bodyError((error as Error).message, 'entity.parse.failed') };
  }
}

function bodyError(message: string, type: string): BodyParserError {
  return Object.assign(new Error(message), { status: 400, type });
}

/** JSON's whitespace: space, tab, line feed, carriage return. */
function firstNonWhitespace(text: string): string | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') return c;
  }
  return undefined;
}

/**
 * Strict JSON takes only an object or an array. body-parser words the refusal as JSON.parse's
 * own error at the first character of the value: it parses the text up to that character with
 * the rest masked (so the error falls there), then shows the real characters in the message.
 */
function strictViolationMessage(text: string, first: string | undefined): string {
  const index = first === undefined ? -1 : text.indexOf(first);
  const mask = '#';
  const masked = index === -1 ? '' : text.slice(0, index) + mask.repeat(text.length - index);
  try {
    JSON.parse(masked);
    return 'strict violation';
  } catch (error) {
    return (error as Error).message.replace(/#+/g, (run) => text.slice(index, index + run.length));
  }
}
