import { ConfigError, loadConfig } from '@app/config';
import { PropagatorConfig } from '../propagator.config';
import { parseCommandLine, withFlagNames } from './command-line';
import { usage } from './usage';

function problemsOf(args: string[]): string[] {
  try {
    parseCommandLine(args);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** The problems loadConfig reports for these flags, named as the user typed them. */
function problemsOfFlags(args: string[]): string[] {
  const { overrides } = parseCommandLine(args);
  try {
    loadConfig(PropagatorConfig, { env: {}, overrides });
  } catch (caught) {
    return withFlagNames(caught as ConfigError).problems;
  }
  throw new Error('expected a ConfigError');
}

describe('parseCommandLine', () => {
  it('maps kebab-case flags to settings, in both --flag value and --flag=value forms', () => {
    expect(
      parseCommandLine([
        '--rate',
        '20000',
        '--count=1000000',
        '--sources',
        '7',
        '--interval-ms',
        '250',
        '--kafka-brokers',
        'a:1,b:2',
        '--rate',
        '-5',
      ]),
    ).toEqual({
      help: false,
      configFile: undefined,
      overrides: {
        rate: '-5',
        count: '1000000',
        sources: '7',
        intervalMs: '250',
        kafkaBrokers: 'a:1,b:2',
      },
    });
  });

  it('reads --config and --help', () => {
    expect(parseCommandLine(['--config', 'p.yaml', '-h'])).toMatchObject({
      help: true,
      configFile: 'p.yaml',
    });
    expect(parseCommandLine(['--config=p.yaml']).configFile).toBe('p.yaml');
  });

  it('treats switches as switches, never swallowing the next option', () => {
    expect(parseCommandLine(['--host-metrics', '--rate', '5']).overrides).toEqual({
      hostMetrics: 'true',
      rate: '5',
    });
    expect(parseCommandLine(['--no-host-metrics']).overrides).toEqual({ hostMetrics: 'false' });
    expect(parseCommandLine(['--host-metrics=off']).overrides).toEqual({ hostMetrics: 'off' });
  });

  it('reports every unknown option, missing value and stray argument at once', () => {
    expect(problemsOf(['--rat', '5', '--count', '--sources', '3', 'extra', '--config'])).toEqual([
      'unknown option --rat (see --help for the list)',
      'unexpected argument "5" (options start with --; see --help)',
      '--count needs a value',
      'unexpected argument "extra" (options start with --; see --help)',
      '--config needs a file name',
    ]);
    expect(problemsOf(['--no-rate'])).toEqual([
      'unknown option --no-rate (see --help for the list)',
    ]);
  });
});

describe('flags through loadConfig', () => {
  it('override the environment, which overrides the defaults', () => {
    const { overrides } = parseCommandLine(['--rate', '0', '--count', '5000', '--sources', '3']);
    const config = loadConfig(PropagatorConfig, {
      env: { PROPAGATOR_SOURCES: '9', PROPAGATOR_INTERVAL_MS: '250', PROPAGATOR_PORT: '0' },
      overrides,
    });
    expect(config).toMatchObject({
      rate: 0,
      count: 5000,
      sources: 3,
      intervalMs: 250,
      port: 0,
      maxInFlight: 1,
    });
  });

  it('report bad values under the flag the user typed', () => {
    expect(problemsOfFlags(['--interval-ms', 'soon', '--count', '0'])).toEqual([
      expect.stringMatching(/^--interval-ms: .*intervalMs must be an integer number/),
      expect.stringMatching(/^--count: .*count must not be less than 1/),
    ]);
  });
});

describe('sink flags', () => {
  it('--sink http --endpoint URL select the http sink; the API key has no flag', () => {
    const { overrides } = parseCommandLine([
      '--sink',
      'http',
      '--endpoint',
      'http://127.0.0.1:3000/event',
      '--http-timeout-ms=2000',
    ]);
    const config = loadConfig(PropagatorConfig, {
      env: { PROPAGATOR_API_KEY: 'ingest-key-0123456789' },
      overrides,
    });
    expect(config).toMatchObject({
      sink: 'http',
      endpoint: 'http://127.0.0.1:3000/event',
      httpTimeoutMs: 2000,
      apiKey: 'ingest-key-0123456789',
    });
    // A secret on the command line is visible to every user of the host.
    expect(() => parseCommandLine(['--api-key', 'x'])).toThrow(/unknown option --api-key/);
  });

  it('report a malformed endpoint under its flag', () => {
    expect(problemsOfFlags(['--endpoint', 'localhost:8000/event'])).toEqual([
      expect.stringMatching(/^--endpoint: .*must be an http:\/\/ or https:\/\/ URL/),
    ]);
  });
});

describe('usage', () => {
  it('lists every option with its environment variable and default', () => {
    const text = usage();
    expect(text).toContain('--rate <value>');
    expect(text).toContain('PROPAGATOR_RATE');
    expect(text).toContain('--[no-]host-metrics');
    expect(text).toMatch(
      /--sources <value> +PROPAGATOR_SOURCES\n +Simulated sources .*\(default 7\)/,
    );
    expect(text).toContain('--rate 20000 --count 1000000');
    expect(text).toContain('--sink <value>');
    expect(text).toMatch(/Environment only.*\n {2}PROPAGATOR_API_KEY/);
    expect(text).toContain(
      'interval_seconds (rate), api_endpoint (endpoint), events_file (eventsFile)',
    );
  });
});
