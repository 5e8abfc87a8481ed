const OPEN_ARRAY = 0x5b; // [
const OPEN_OBJECT = 0x7b; // {
const CLOSE_ARRAY = 0x5d; // ]
const CLOSE_OBJECT = 0x7d; // }
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Whether JSON text nests arrays and objects deeper than `maxDepth`, found by one linear scan
 * of the raw text (no parse, no recursion) that counts [ and { outside strings.
 *
 * It runs before JSON.parse because everything after the parse walks the value recursively
 * (JSON.stringify, PostgreSQL's jsonb parser, class-transformer...): 5,000 nested arrays in
 * 10 KB overflow the stack there. The text need not be valid JSON; invalid text is the
 * parser's to report. UTF-8 bytes can be scanned as they are: the ASCII bytes counted here
 * never occur inside a multi-byte sequence.
 */
export function isNestedDeeperThan(json: string | Uint8Array, maxDepth: number): boolean {
  if (!hasMoreOpeningsThan(json, maxDepth)) return false;
  const text = typeof json === 'string';
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const code = text ? json.charCodeAt(i) : json[i];
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_ARRAY || code === OPEN_OBJECT) {
      if (++depth > maxDepth) return true;
    } else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
      depth--;
    }
  }
  return false;
}

/**
 * Whether the text holds more than `max` [ and { anywhere, strings included: if not, it cannot
 * nest deeper than `max`. Counted by indexOf, which searches natively: for the usual message
 * (an event nests 2 levels) this answers for a fifth of the cost of the scan above.
 */
function hasMoreOpeningsThan(json: string | Uint8Array, max: number): boolean {
  let count = 0;
  if (typeof json === 'string') {
    for (const open of ['{', '[']) {
      for (let at = json.indexOf(open); at >= 0; at = json.indexOf(open, at + 1)) {
        if (++count > max) return true;
      }
    }
  } else {
    for (const open of [OPEN_OBJECT, OPEN_ARRAY]) {
      for (let at = json.indexOf(open); at >= 0; at = json.indexOf(open, at + 1)) {
        if (++count > max) return true;
      }
    }
  }
  return false;
}
