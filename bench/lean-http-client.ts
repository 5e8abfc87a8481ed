import { connect, Socket } from 'node:net';

/** An answer's status, and its body (parsed when it is JSON). */
export interface LoopbackAnswer {
  status: number;
  body: unknown;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** What one request waits for: the bytes of its answer, then its resolution. */
interface Exchange {
  resolve: (answer: LoopbackAnswer) => void;
  reject: (error: Error) => void;
}

/**
 * One kept-alive HTTP/1.1 connection that writes each request as one buffer and reads the
 * answer's status, headers and body itself. node:http's client costs the load generator
 * 110-170 µs of CPU per request on this machine, taken from the 2 cores the gateway runs on;
 * this costs 30-40 µs alone (40-70 µs as the bench's load-generator column counts it), so the
 * bench measures the gateway rather than its client.
 *
 * It reads what the gateway and the bench's bare server send: a body with a Content-Length, or
 * chunked without trailers. Not a 304 or a HEAD answer, nor a body that ends at the close.
 */
class LeanConnection {
  private readonly socket: Socket;
  private received: Buffer = Buffer.alloc(0);
  private waiting: Exchange | undefined;
  private failure: Error | undefined;

  constructor(port: number, host: string) {
    this.socket = connect(port, host);
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => {
      this.received = this.received.length ? Buffer.concat([this.received, chunk]) : chunk;
      this.parse();
    });
    const fail = (error: Error) => {
      this.failure ??= error;
      this.waiting?.reject(error);
      this.waiting = undefined;
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('the server closed the connection')));
  }

  /** Closed or failed: no request can go on it any more. */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  send(request: Buffer): Promise<LoopbackAnswer> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.socket.write(request);
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private parse(): void {
    const headerEnd = this.received.indexOf(HEADER_END);
    if (headerEnd < 0 || !this.waiting) return;
    const head = this.received.toString('latin1', 0, headerEnd);
    const status = Number(head.slice(9, 12));
    const headers = new Map<string, string>();
    for (const line of head.split('\r\n').slice(1)) {
      const colon = line.indexOf(':');
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const bodyStart = headerEnd + HEADER_END.length;
    const body =
      headers.get('transfer-encoding') === 'chunked'
        ? dechunk(this.received, bodyStart)
        : fixedLength(this.received, bodyStart, Number(headers.get('content-length') ?? 0));
    if (!body) return;
    this.received = this.received.subarray(body.end);
    // The server closes after this answer: no request may follow on this connection.
    if (headers.get('connection')?.toLowerCase() === 'close') {
      this.failure ??= new Error('the server closed the connection');
    }
    const text = body.bytes.toString('utf8');
    const json = (headers.get('content-type') ?? '').includes('json');
    const exchange = this.waiting;
    this.waiting = undefined;
    try {
      exchange.resolve({ status, body: json && text ? JSON.parse(text) : text });
    } catch (error) {
      exchange.reject(error as Error);
    }
  }
}

/** A Content-Length body once it is all there. */
function fixedLength(
  data: Buffer,
  start: number,
  length: number,
): { bytes: Buffer; end: number } | undefined {
  if (data.length < start + length) return undefined;
  return { bytes: data.subarray(start, start + length), end: start + length };
}

/** A chunked body once its last chunk is there. */
function dechunk(data: Buffer, start: number): { bytes: Buffer; end: number } | undefined {
  const parts: Buffer[] = [];
  let at = start;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(data.toString('latin1', at, lineEnd), 16);
    const chunkStart = lineEnd + 2;
    if (data.length < chunkStart + size + 2) return undefined;
    if (size === 0) return { bytes: Buffer.concat(parts), end: chunkStart + 2 };
    parts.push(data.subarray(chunkStart, chunkStart + size));
    at = chunkStart + size + 2;
  }
}

/**
 * The bench's HTTP client: `connections` kept-alive connections, each carrying one request at
 * a time, as many clients each waiting for its answer do. (It replaced node:http's Agent, and
 * fetch before that, which cost several times more; see the class comment above.)
 */
export class LeanHttpClient {
  private readonly idle: LeanConnection[] = [];
  private readonly all: LeanConnection[] = [];

  constructor(
    private readonly base: URL,
    private readonly connections: number,
  ) {}

  async call(
    path: string,
    headers: Record<string, string>,
    body?: string,
  ): Promise<LoopbackAnswer> {
    const connection = this.take();
    try {
      return await connection.send(this.request(path, headers, body));
    } finally {
      // A closed connection leaves the pool: the next call opens a new one, as an Agent would.
      if (connection.failed) this.all.splice(this.all.indexOf(connection), 1);
      else this.idle.push(connection);
    }
  }

  close(): void {
    for (const connection of this.all) connection.close();
  }

  private take(): LeanConnection {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.all.length >= this.connections) {
      throw new Error(`more than ${this.connections} requests at once`);
    }
    const connection = new LeanConnection(Number(this.base.port), this.base.hostname);
    this.all.push(connection);
    return connection;
  }

  private request(path: string, headers: Record<string, string>, body?: string): Buffer {
    const lines = [
      `${body === undefined ? 'GET' : 'POST'} ${path} HTTP/1.1`,
      `host: ${this.base.host}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    ];
    if (body !== undefined) lines.push(`content-length: ${Buffer.byteLength(body)}`);
    return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body ?? ''}`);
  }
}
