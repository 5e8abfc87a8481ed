import { Client } from 'pg';

/**
 * A client of one build's database. An interrupted run drops the databases while clients may
 * still be connected: the server ends their connections, which pg reports as an 'error' event
 * that would crash the process before the cleaning is done; the queries in flight fail anyway.
 */
export function databaseClient(url: string): Client {
  const client = new Client({ connectionString: url });
  client.on('error', () => undefined);
  return client;
}
