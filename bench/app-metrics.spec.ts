import { parseMetrics } from '../tools/metrics/prometheus-text';
import { grew, observedAbove } from './app-metrics';

describe('app metrics', () => {
  const before = parseMetrics(
    [
      '# HELP x_seconds a histogram',
      'x_seconds_bucket{le="0.25",service="alerting"} 10',
      'x_seconds_bucket{le="+Inf",service="alerting"} 12',
      'x_seconds_count{service="alerting"} 12',
      'nodejs_gc_duration_seconds_sum{kind="minor",service="alerting"} 1.5',
    ].join('\n'),
  );
  const after = parseMetrics(
    [
      'x_seconds_bucket{le="0.25",service="alerting"} 30',
      'x_seconds_bucket{le="+Inf",service="alerting"} 35',
      'x_seconds_count{service="alerting"} 35',
      'nodejs_gc_duration_seconds_sum{kind="minor",service="alerting"} 4',
      'nodejs_gc_duration_seconds_sum{kind="major",service="alerting"} 0.5',
    ].join('\n'),
  );

  it('gives the growth of a sample between two scrapes, whatever its other labels', () => {
    expect(grew(before, after, 'nodejs_gc_duration_seconds_sum', { kind: 'minor' })).toBe(2.5);
    expect(grew(before, after, 'nodejs_gc_duration_seconds_sum', { kind: 'major' })).toBe(0.5);
    expect(grew(before, after, 'absent')).toBe(0);
  });

  it('counts the observations above a bucket bound', () => {
    expect(observedAbove(before, after, 'x_seconds', '0.25')).toBe(3);
  });
});
