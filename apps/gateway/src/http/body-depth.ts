import { isNestedDeeperThan, MAX_PAYLOAD_DEPTH } from '@app/contracts';

/** The deepest body the API takes: an array of events, each an object with its payload. */
export const MAX_BODY_DEPTH = MAX_PAYLOAD_DEPTH + 2;

/**
 * body-parser `verify`: refuses a JSON body nested deeper than `maxDepth` before it is parsed.
 * Everything after the parse walks the body recursively (validation pipes, JSON.stringify),
 * and 5,000 nested arrays overflow the stack there: a 500 for what is the client's error.
 */
export function refuseDeepBodies(maxDepth: number) {
  return (_req: unknown, _res: unknown, body: Buffer): void => {
    if (isNestedDeeperThan(body, maxDepth)) {
      throw Object.assign(new Error(`request body is nested deeper than ${maxDepth} levels`), {
        status: 400,
        type: 'entity.too.deep',
      });
    }
  };
}
