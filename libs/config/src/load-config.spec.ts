import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsInt, Min } from 'class-validator';
import { KafkaConnectionConfig } from './common.config';
import { Env, envBindingsOf } from './env.decorator';
import { ConfigError, loadConfig } from './load-config';
import { ToNumber } from './transforms';

class SampleConfig extends KafkaConnectionConfig {
  @Env('SAMPLE_WORKERS', 'How many workers')
  @ToNumber()
  @IsInt()
  @Min(1)
  workers = 2;
}

function yamlFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'config-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  it('uses the class defaults when nothing is set', () => {
    const config = loadConfig(SampleConfig, { env: {} });
    expect(config).toMatchObject({
      workers: 2,
      kafkaBrokers: ['127.0.0.1:9092'],
      kafkaTopicPrefix: '',
    });
    expect(config).toBeInstanceOf(SampleConfig);
  });

  it('layers YAML, then environment, then explicit overrides', () => {
    const file = yamlFile('workers: 3\nkafkaBrokers: [a:1, b:2]\nlogLevel: warn\n');
    const config = loadConfig(SampleConfig, {
      yamlFile: file,
      env: { SAMPLE_WORKERS: '5', KAFKA_BROKERS: 'c:3, d:4' },
      overrides: { logLevel: 'debug' },
    });
    expect(config).toMatchObject({ workers: 5, kafkaBrokers: ['c:3', 'd:4'], logLevel: 'debug' });
  });

  it('reports every problem at once, naming the variable or file that set it', () => {
    const file = yamlFile('logLevel: loud\n');
    let error: unknown;
    try {
      loadConfig(SampleConfig, {
        yamlFile: file,
        env: { SAMPLE_WORKERS: 'many', KAFKA_BROKERS: 'nohost' },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems).toEqual(
      expect.arrayContaining([
        'KAFKA_BROKERS: each broker must be host:port, got "nohost"',
        expect.stringMatching(
          /^logLevel in .*config\.yaml: logLevel must be one of the following values/,
        ),
        expect.stringMatching(/^SAMPLE_WORKERS: .*must be an integer number/),
      ]),
    );
    expect((error as Error).message).toMatch(/^Invalid SampleConfig configuration:\n {2}- /);
  });

  it('rejects unknown settings in the YAML file instead of ignoring a typo', () => {
    const file = yamlFile('wrokers: 3\n');
    expect(() => loadConfig(SampleConfig, { yamlFile: file, env: {} })).toThrow(
      /unknown setting "wrokers"/,
    );
  });

  it('explains an unreadable or malformed file', () => {
    expect(() => loadConfig(SampleConfig, { yamlFile: '/nonexistent/x.yaml', env: {} })).toThrow(
      /cannot read config file \/nonexistent\/x.yaml/,
    );
    expect(() => loadConfig(SampleConfig, { yamlFile: yamlFile('a: [1,'), env: {} })).toThrow(
      /is not valid YAML/,
    );
    expect(() => loadConfig(SampleConfig, { yamlFile: yamlFile('- 1\n'), env: {} })).toThrow(
      /must hold a mapping/,
    );
  });

  it('lists the environment variables of a class and its parents', () => {
    expect(
      envBindingsOf(SampleConfig)
        .map((b) => b.variable)
        .sort(),
    ).toEqual([
      'EVENTS_TOPIC_PARTITIONS',
      'KAFKA_BROKERS',
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_PASSWORD',
      'KAFKA_SASL_USERNAME',
      'KAFKA_SSL',
      'KAFKA_SSL_CA_FILE',
      'KAFKA_SSL_CERT_FILE',
      'KAFKA_SSL_KEY_FILE',
      'KAFKA_SSL_REJECT_UNAUTHORIZED',
      'KAFKA_STALL_TIMEOUT_MS',
      'KAFKA_TOPIC_PREFIX',
      'LOG_LEVEL',
      'SAMPLE_WORKERS',
    ]);
    expect(envBindingsOf(KafkaConnectionConfig)).toHaveLength(13);
  });
});
