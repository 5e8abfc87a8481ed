import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@app/config';
import { PropagatorConfig, runPlan, sinkOf, sinkProblems } from '../propagator.config';
import { mapLegacyConfigKeys } from './legacy-config-keys';

function yaml(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'propagator-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

function load(text: string, env: NodeJS.ProcessEnv = {}, overrides = {}): PropagatorConfig {
  return loadConfig(PropagatorConfig, {
    yamlFile: yaml(text),
    env,
    overrides,
    mapYaml: mapLegacyConfigKeys,
  });
}

const ORIGINAL = `interval_seconds: 5
api_endpoint: "http://localhost:8000/event"
events_file: "events/events.json"
`;

describe('the original propagator config file', () => {
  it('runs unchanged: one event every 5 s, POSTed to api_endpoint, templates from events_file', () => {
    const config = load(ORIGINAL);
    expect(config.rate).toBe(0.2);
    expect(config.endpoint).toBe('http://localhost:8000/event');
    expect(config.eventsFile).toBe('events/events.json');
    expect(sinkOf(config)).toBe('http');
    expect(sinkProblems(config)).toEqual([]);
    // One event every N seconds in total, not per source: the rate mode, no count.
    expect(runPlan(config)).toMatchObject({ mode: 'rate', rate: 0.2, count: undefined });
  });

  it('maps interval_seconds 0 (no pause) to as fast as possible', () => {
    expect(load('interval_seconds: 0').rate).toBe(0);
  });

  it('lets an explicit sink win over the one api_endpoint implies', () => {
    expect(sinkOf(load(ORIGINAL, { PROPAGATOR_SINK: 'kafka' }))).toBe('kafka');
    expect(sinkOf(load(ORIGINAL, {}, { sink: 'kafka' }))).toBe('kafka');
  });

  it('lets the environment override an alias like the key it stands for', () => {
    expect(load(ORIGINAL, { PROPAGATOR_RATE: '100' }).rate).toBe(100);
  });

  it('refuses a bad interval and an alias beside its own key, all at once', () => {
    expect(() => mapLegacyConfigKeys({ interval_seconds: -1 }, 'f.yaml')).toThrow(ConfigError);
    try {
      mapLegacyConfigKeys(
        { interval_seconds: 'soon', events_file: 'a.json', eventsFile: 'b.json' },
        'f.yaml',
      );
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        'f.yaml: interval_seconds must be a number of seconds >= 0, got "soon"',
        'f.yaml: set either events_file or eventsFile, not both',
      ]);
    }
  });

  it('still rejects keys that are neither ours nor the original ones', () => {
    expect(() => load('interval: 5')).toThrow(/unknown setting "interval"/);
  });
});

describe('sink settings', () => {
  it('default to kafka', () => {
    expect(sinkOf(loadConfig(PropagatorConfig, { env: {} }))).toBe('kafka');
  });

  it('refuse the http sink without an endpoint, and a sink that does not exist', () => {
    const config = loadConfig(PropagatorConfig, { env: { PROPAGATOR_SINK: 'http' } });
    expect(sinkProblems(config)).toEqual([expect.stringContaining('PROPAGATOR_HTTP_ENDPOINT')]);
    expect(() => loadConfig(PropagatorConfig, { env: { PROPAGATOR_SINK: 'smtp' } })).toThrow(
      /PROPAGATOR_SINK.*must be one of kafka, http/,
    );
  });
});
