import {
  decodeEventMessage,
  DEFAULT_EVENT_LIMITS,
  HostMetricType,
  randomEventIds,
} from '@app/contracts';
import { ConfigError } from '@app/config';
import { hostMetricEvents, loadSeverity, percentSeverity } from './host-metric-events';
import { HostSample } from './host-metrics.sampler';
import { checkDiskPath } from './host-probe';

const sample: HostSample = {
  hostname: 'web-1',
  cores: 4,
  cpuPercent: 93.456,
  memoryUsedPercent: 40,
  diskUsedPercent: 97,
  load: { '1m': 8.5, '5m': 4, '15m': 1 },
};

function decode(value: string) {
  const result = decodeEventMessage(
    {
      topic: 'events',
      partition: 0,
      offset: '0',
      key: Buffer.from('web-1'),
      value: Buffer.from(value),
      timestamp: String(Date.now()),
    },
    DEFAULT_EVENT_LIMITS,
    randomEventIds,
  );
  if (!result.ok) throw new Error(result.reasons.join('; '));
  return result.event;
}

describe('hostMetricEvents', () => {
  const now = new Date('2026-11-23T10:00:00Z');
  const events = hostMetricEvents(sample, '/data', now);

  it('publishes one valid metric event per reading, keyed by the host', () => {
    expect(events.map((e) => e.type)).toEqual([
      HostMetricType.Cpu,
      HostMetricType.Memory,
      HostMetricType.Disk,
      HostMetricType.Load1,
      HostMetricType.Load5,
      HostMetricType.Load15,
    ]);
    for (const event of events) {
      expect(event.key).toBe('web-1');
      const decoded = decode(event.value);
      expect(decoded).toMatchObject({ type: event.type, source: 'web-1', occurredAt: now });
      expect(typeof decoded.value).toBe('number');
    }
  });

  it('rounds values and derives the severity from thresholds', () => {
    const byType = new Map(events.map((e) => [e.type, decode(e.value)]));
    expect(byType.get(HostMetricType.Cpu)).toMatchObject({ value: 93.46, severity: 'high' });
    expect(byType.get(HostMetricType.Memory)).toMatchObject({ value: 40, severity: 'low' });
    expect(byType.get(HostMetricType.Disk)).toMatchObject({
      value: 97,
      severity: 'critical',
      payload: { unit: 'percent', path: '/data' },
    });
    expect(byType.get(HostMetricType.Load1)).toMatchObject({ value: 8.5, severity: 'critical' });
    expect(byType.get(HostMetricType.Load5)).toMatchObject({ value: 4, severity: 'medium' });
    expect(byType.get(HostMetricType.Load15)).toMatchObject({ value: 1, severity: 'low' });
  });

  it('leaves out a reading that is not available', () => {
    const partial = hostMetricEvents(
      { ...sample, cpuPercent: undefined, diskUsedPercent: undefined },
      '/',
    );
    expect(partial.map((e) => e.type)).not.toContain(HostMetricType.Cpu);
    expect(partial.map((e) => e.type)).not.toContain(HostMetricType.Disk);
    expect(partial).toHaveLength(4);
  });

  it.each([
    [50, 'low'],
    [75, 'medium'],
    [90, 'medium'],
    [90.01, 'high'],
    [95, 'critical'],
  ])('%d %% is %s', (percent, severity) => {
    expect(percentSeverity(percent)).toBe(severity);
  });

  it('judges the load per core', () => {
    expect(loadSeverity(3.9, 4)).toBe('low');
    expect(loadSeverity(4, 4)).toBe('medium');
    expect(loadSeverity(6, 4)).toBe('high');
    expect(loadSeverity(8, 4)).toBe('critical');
    expect(loadSeverity(1, 0)).toBe('medium');
  });
});

describe('checkDiskPath', () => {
  it('accepts an existing path and names a missing one', () => {
    expect(() => checkDiskPath('/')).not.toThrow();
    expect(() => checkDiskPath('/no/such/disk')).toThrow(ConfigError);
    expect(() => checkDiskPath('/no/such/disk')).toThrow(
      /diskPath "\/no\/such\/disk": cannot read its disk usage/,
    );
  });
});
