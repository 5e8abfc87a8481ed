import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What a local broker's TLS listener needs, made by `openssl` for 127.0.0.1 / localhost. */
export interface BrokerTls {
  /** PEM of the throwaway CA: what clients pass as KAFKA_SSL_CA_FILE. */
  caFile: string;
  /** PKCS12 keystore of the broker's key and certificate (signed by the CA). */
  keystoreFile: string;
  keystorePassword: string;
}

/**
 * A fresh self-signed CA and a broker certificate it signs, valid for two days, in `dir`.
 * Made at every start (a fraction of a second), so nothing secret outlives a test broker and
 * no certificate in the repository can expire.
 */
export function makeBrokerTls(dir: string): BrokerTls {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = (name: string) => path.join(dir, name);
  const keystorePassword = randomBytes(12).toString('hex');
  fs.writeFileSync(
    file('broker.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n',
  );
  openssl(dir, [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
    ...['-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=eventmon local Kafka CA'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=keyCertSign,cRLSign'],
  ]);
  openssl(dir, [
    ...['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'broker.key'],
    ...['-out', 'broker.csr', '-subj', '/CN=127.0.0.1'],
  ]);
  openssl(dir, [
    ...['x509', '-req', '-in', 'broker.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key'],
    ...['-CAcreateserial', '-days', '2', '-out', 'broker.crt', '-extfile', 'broker.ext'],
  ]);
  openssl(dir, [
    ...['pkcs12', '-export', '-in', 'broker.crt', '-inkey', 'broker.key', '-certfile', 'ca.crt'],
    ...['-name', 'broker', '-out', 'broker.p12', '-passout', `pass:${keystorePassword}`],
  ]);
  return { caFile: file('ca.crt'), keystoreFile: file('broker.p12'), keystorePassword };
}

function openssl(cwd: string, args: string[]): void {
  const result = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(
      `openssl ${args[0]} failed (${result.error?.message ?? `exit ${result.status}`}); the local ` +
        `broker's TLS listener needs the openssl command:\n${result.stderr ?? ''}`,
    );
  }
}
