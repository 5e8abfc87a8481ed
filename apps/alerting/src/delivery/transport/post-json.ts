import type { LookupFunction } from 'node:net';
import { AttemptResult } from '../attempt/attempt-result';
import { httpPost } from './http-post';
import { resultFromError, resultFromResponse } from './http-result';

export interface PostJsonOptions {
  headers?: Record<string, string>;
  signal: AbortSignal;
  lookup?: LookupFunction;
  now: () => number;
}

/** POSTs a JSON body and reads the answer as an attempt result; never throws. */
export async function postJson(
  url: URL,
  body: string,
  options: PostJsonOptions,
): Promise<AttemptResult> {
  try {
    const response = await httpPost(url, body, {
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'eventmon',
        ...options.headers,
      },
      signal: options.signal,
      lookup: options.lookup,
    });
    return resultFromResponse(response, options.now());
  } catch (error) {
    return resultFromError(error);
  }
}
