/** Control characters (CR/LF included) would break headers, titles and one-line fields. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

export function singleLine(text: string): string {
  return text.replace(CONTROL, ' ').trim();
}

/** Cuts to at most `max` characters, marking the cut, for receivers with hard length limits. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * Puts a backslash before every match of `markup`: how CommonMark-like formats (Discord,
 * Teams) take a character literally. Each format names its own markup characters.
 */
export function backslashEscape(text: string, markup: RegExp): string {
  return text.replace(markup, '\\$&');
}
