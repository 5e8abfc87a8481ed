import { parseMetrics, samplesOf, total } from './prometheus-text';

describe('Prometheus text', () => {
  const page = [
    '# HELP eventmon_requests_total Requests by route',
    '# TYPE eventmon_requests_total counter',
    'eventmon_requests_total{route="/api/events/{id}",method="GET"} 3',
    'eventmon_requests_total{route="/api/events",method="GET"} 4',
    'eventmon_requests_total{route="/api/events",method="POST"} 5',
    'eventmon_message{text="say \\"hi\\", then leave"} 1',
    'eventmon_requests_total_created 1700000000',
    'eventmon_up 1',
    '',
  ].join('\n');
  const samples = parseMetrics(page);

  it('reads one sample a line with its labels, skipping comments and blank lines', () => {
    expect(samples).toEqual([
      {
        name: 'eventmon_requests_total',
        labels: { route: '/api/events/{id}', method: 'GET' },
        value: 3,
      },
      {
        name: 'eventmon_requests_total',
        labels: { route: '/api/events', method: 'GET' },
        value: 4,
      },
      {
        name: 'eventmon_requests_total',
        labels: { route: '/api/events', method: 'POST' },
        value: 5,
      },
      { name: 'eventmon_message', labels: { text: 'say \\"hi\\", then leave' }, value: 1 },
      { name: 'eventmon_requests_total_created', labels: {}, value: 1700000000 },
      { name: 'eventmon_up', labels: {}, value: 1 },
    ]);
  });

  it('selects by exact name and by every label asked, whatever the other labels', () => {
    expect(samplesOf(samples, 'eventmon_requests_total', { method: 'GET' })).toHaveLength(2);
    expect(samplesOf(samples, 'eventmon_requests_total', { route: '/api/events' })).toHaveLength(2);
    // A prefix of a name is another metric, and a label value must match whole.
    expect(samplesOf(samples, 'eventmon_requests')).toEqual([]);
    expect(samplesOf(samples, 'eventmon_requests_total', { route: '/api' })).toEqual([]);
  });

  it('sums the samples selected, 0 when none is', () => {
    expect(total(samples, 'eventmon_requests_total')).toBe(12);
    expect(total(samples, 'eventmon_requests_total', { route: '/api/events' })).toBe(9);
    expect(total(samples, 'eventmon_requests_total', { method: 'DELETE' })).toBe(0);
  });
});
