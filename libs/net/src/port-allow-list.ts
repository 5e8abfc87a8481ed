/** The ports every webhook-style URL may use: the http and https defaults. */
const DEFAULT_PORTS: readonly number[] = [80, 443];

const SCHEME_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/**
 * The ports channel URLs may use: 80 and 443, plus the operator's `NOTIFY_ALLOWED_PORTS`
 * (single ports or `from-to` ranges). Without it a rule could point at any service that
 * listens on a public address (`http://host:22/`, a database port) and probe or poke it.
 */
export class PortAllowList {
  private constructor(private readonly ranges: ReadonlyArray<readonly [number, number]>) {}

  /** Throws one error naming every invalid entry, so a bad setting fails start-up clearly. */
  static parse(entries: readonly string[]): PortAllowList {
    const ranges: Array<readonly [number, number]> = DEFAULT_PORTS.map((port) => [port, port]);
    const invalid: string[] = [];
    for (const raw of entries) {
      const entry = raw.trim();
      if (entry === '') continue;
      const range = parseRange(entry);
      if (range) ranges.push(range);
      else invalid.push(JSON.stringify(raw));
    }
    if (invalid.length > 0) {
      throw new Error(
        `invalid allowed port entries ${invalid.join(', ')}: use port numbers (1-65535) or ranges such as 8000-8100`,
      );
    }
    return new PortAllowList(ranges);
  }

  allows(port: number): boolean {
    return this.ranges.some(([from, to]) => port >= from && port <= to);
  }

  /** The URL's port, the scheme's default when it names none; null when it is refused. */
  refusedPort(url: URL): number | null {
    const port = url.port === '' ? SCHEME_PORTS[url.protocol] : Number(url.port);
    return port === undefined || this.allows(port) ? null : port;
  }
}

function parseRange(entry: string): readonly [number, number] | null {
  const match = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(entry);
  if (!match) return null;
  const from = Number(match[1]);
  const to = match[2] === undefined ? from : Number(match[2]);
  return from >= 1 && to <= 65535 && from <= to ? [from, to] : null;
}
