import { Agent, request } from 'node:http';

export interface LoopbackAnswer {
  status: number;
  body: unknown;
}

/**
 * A bench client's HTTP: node:http over kept-alive connections. fetch (undici) costs the load
 * generator, which shares the machine's cores with the gateway, several times the CPU per
 * request, and that CPU is taken from the process being measured.
 */
export class LoopbackHttp {
  private readonly agent: Agent;

  constructor(
    private readonly base: URL,
    connections: number,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: connections });
  }

  call(path: string, headers: Record<string, string>, body?: string): Promise<LoopbackAnswer> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.base.hostname,
          port: this.base.port,
          path,
          method: body === undefined ? 'GET' : 'POST',
          headers:
            body === undefined
              ? headers
              : { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const json = (res.headers['content-type'] ?? '').includes('json');
            resolve({ status: res.statusCode ?? 0, body: json && text ? JSON.parse(text) : text });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
