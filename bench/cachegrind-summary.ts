/**
 * The instructions in cachegrind's summary on stderr ("==12== I   refs:      4,669,260,147"), or
 * undefined when it has none (valgrind failed before the end, or another tool ran).
 */
export function instructionsIn(summary: string): number | undefined {
  const refs = /I\s+refs:\s+([\d,]+)/.exec(summary);
  return refs ? Number(refs[1].replace(/,/g, '')) : undefined;
}
