/**
 * `node dist/bench/bare-http-server.js <port>`: the HTTP reference of `bench:gateway`'s ingest
 * section. A bare node:http server that reads a JSON body, parses it and answers 202 with one
 * new id, as the gateway answers one event, and does nothing else (no checks, no Kafka): what
 * node:http and the load generator allow on this machine at this moment, so that the
 * gateway's one-event rate reads as a share of it. Listens on 127.0.0.1 only; prints
 * "listening" once it does.
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      res.writeHead(400).end();
      return;
    }
    const body = JSON.stringify({ ids: [randomUUID()] });
    res.writeHead(202, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
    });
    res.end(body);
  });
});
server.listen(port, '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
