/** The simulated sources' ids, e.g. client-1..client-7: each is the key of its events. */
export function sourceIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i + 1}`);
}
