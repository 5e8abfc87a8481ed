/** Whether a `match.types` entry is a glob rather than an exact type. */
export function isTypeGlob(pattern: string): boolean {
  return pattern.includes('*');
}

/**
 * A `match.types` glob: `*` matches any run of characters, dots included, and the empty
 * run; everything else is literal. Matched without a RegExp: a regex built from
 * `*a*a*a*a*a*a*a*b` backtracks exponentially (2 s on a 40-character type). Here the
 * literal parts between stars are found left to right, each at its first occurrence after
 * the previous one, which is always a match if any exists (a `*` can absorb whatever lies
 * between): at most one scan of the type per part.
 */
export class TypeGlob {
  private readonly prefix: string;
  private readonly suffix: string;
  private readonly middle: readonly string[];

  constructor(readonly pattern: string) {
    const parts = pattern.split('*');
    if (parts.length < 2) throw new RangeError(`type glob "${pattern}" has no "*"`);
    this.prefix = parts[0];
    this.suffix = parts[parts.length - 1];
    this.middle = parts.slice(1, -1).filter((part) => part.length > 0);
  }

  test(type: string): boolean {
    const end = type.length - this.suffix.length;
    if (end < this.prefix.length) return false;
    if (!type.startsWith(this.prefix) || !type.endsWith(this.suffix)) return false;
    let from = this.prefix.length;
    for (const part of this.middle) {
      const at = type.indexOf(part, from);
      if (at < 0 || at + part.length > end) return false;
      from = at + part.length;
    }
    return true;
  }
}
