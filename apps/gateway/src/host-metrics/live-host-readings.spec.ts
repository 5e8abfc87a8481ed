import { HostMetricType } from '@app/contracts';
import { LatestReadingRow, liveHosts, UNKNOWN_MOUNT } from './live-host-readings';

const at = new Date('2026-11-23T10:00:00.000Z');
const row = (
  source: string,
  type: LatestReadingRow['type'],
  value: number,
  mount: string | null = null,
) => ({
  source,
  type,
  mount,
  value,
  occurredAt: at,
});

describe('liveHosts', () => {
  it('groups rows by host, names metrics by their short name and disks by mount', () => {
    const reading = (value: number) => ({ value, at: at.toISOString() });
    expect(
      liveHosts([
        row('a', HostMetricType.Cpu, 1),
        row('a', HostMetricType.Disk, 2, '/'),
        row('a', HostMetricType.Disk, 3, null),
        row('b', HostMetricType.Load15, 4),
      ]),
    ).toEqual([
      {
        host: 'a',
        metrics: {
          cpu_percent: reading(1),
          disk_percent: { '/': reading(2), [UNKNOWN_MOUNT]: reading(3) },
        },
      },
      { host: 'b', metrics: { load15: reading(4) } },
    ]);
  });

  it('keeps a mount named __proto__ an ordinary key', () => {
    const [host] = liveHosts([row('a', HostMetricType.Disk, 5, '__proto__')]);
    const disks = host.metrics.disk_percent!;
    expect(Object.keys(disks)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(disks)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(disks))).toEqual(
      JSON.parse('{"__proto__":{"value":5,"at":"2026-11-23T10:00:00.000Z"}}'),
    );
  });
});
