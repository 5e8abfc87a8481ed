import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaConnectionConfig } from './common.config';
import { ConfigError, loadConfig } from './load-config';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(KafkaConnectionConfig, { env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('Kafka TLS and SASL settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kafka-security-'));
  const ca = join(dir, 'ca.crt');
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');

  it('are off by default, and verify certificates once TLS is on', () => {
    expect(loadConfig(KafkaConnectionConfig, { env: {} })).toMatchObject({
      kafkaSsl: false,
      kafkaSslRejectUnauthorized: true,
      kafkaSaslMechanism: '',
    });
  });

  it('accept TLS with a CA and SCRAM with a user, the mechanism in any case', () => {
    const config = loadConfig(KafkaConnectionConfig, {
      env: {
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: ca,
        KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
        KAFKA_SASL_USERNAME: 'alice',
        KAFKA_SASL_PASSWORD: 'pw',
      },
    });
    expect(config).toMatchObject({ kafkaSsl: true, kafkaSaslMechanism: 'scram-sha-512' });
  });

  it('name the variable of a mechanism without user or password', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'plain' }).sort()).toEqual([
      'KAFKA_SASL_PASSWORD (not set): is required with KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_USERNAME (not set): is required with KAFKA_SASL_MECHANISM',
    ]);
    expect(problemsOf({ KAFKA_SASL_USERNAME: 'alice', KAFKA_SASL_PASSWORD: 'pw' })).toEqual([
      'KAFKA_SASL_MECHANISM (not set): is required with KAFKA_SASL_USERNAME or KAFKA_SASL_PASSWORD',
    ]);
    expect(
      problemsOf({
        KAFKA_SASL_MECHANISM: 'gssapi',
        KAFKA_SASL_USERNAME: 'a',
        KAFKA_SASL_PASSWORD: 'b',
      }),
    ).toEqual(['KAFKA_SASL_MECHANISM: must be one of plain, scram-sha-256, scram-sha-512']);
  });

  it('refuse an unreadable file, a half client certificate, and TLS files without TLS', () => {
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: join(dir, 'missing.crt') })).toEqual([
      `KAFKA_SSL_CA_FILE: cannot read ${join(dir, 'missing.crt')}: ENOENT`,
    ]);
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: dir })).toEqual([
      `KAFKA_SSL_CA_FILE: cannot read ${dir}: not a file`,
    ]);
    expect(problemsOf({ KAFKA_SSL: 'true', KAFKA_SSL_KEY_FILE: ca })).toEqual([
      'KAFKA_SSL_CERT_FILE (not set): is required with KAFKA_SSL_KEY_FILE',
    ]);
    expect(problemsOf({ KAFKA_SSL_CA_FILE: ca })).toEqual([
      'KAFKA_SSL_CA_FILE: has no effect without KAFKA_SSL=true',
    ]);
    expect(problemsOf({ KAFKA_SSL: 'maybe' })).toEqual([
      'KAFKA_SSL: kafkaSsl must be a boolean value',
    ]);
  });

  it('never put the password in an error', () => {
    const problems = problemsOf({ KAFKA_SASL_PASSWORD: 'hunter2-secret', KAFKA_SSL: 'x' });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).not.toContain('hunter2-secret');
  });
});
