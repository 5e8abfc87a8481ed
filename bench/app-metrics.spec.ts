import { grew, observedAbove, parseMetrics } from './app-metrics';

describe('app metrics', () => {
  const before = parseMetrics(
    [
      '# HELP x_seconds a histogram',
      'x_seconds_bucket{le="0.25"} 10',
      'x_seconds_bucket{le="+Inf"} 12',
      'x_seconds_count 12',
      'nodejs_gc_duration_seconds_sum{kind="minor"} 1.5',
    ].join('\n'),
  );
  const after = parseMetrics(
    [
      'x_seconds_bucket{le="0.25"} 30',
      'x_seconds_bucket{le="+Inf"} 35',
      'x_seconds_count 35',
      'nodejs_gc_duration_seconds_sum{kind="minor"} 4',
    ].join('\n'),
  );

  it('gives the growth of a sample between two scrapes', () => {
    expect(grew(before, after, 'nodejs_gc_duration_seconds_sum{kind="minor"}')).toBe(2.5);
    expect(grew(before, after, 'absent')).toBe(0);
  });

  it('counts the observations above a bucket bound', () => {
    expect(observedAbove(before, after, 'x_seconds', '0.25')).toBe(3);
  });
});
