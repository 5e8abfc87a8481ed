import { PartitionerArgs, Partitioners } from 'kafkajs';
import { CachingKeyPartitioner } from './key-partitioner';

const metadata = (count: number) =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionId,
    leader: 1,
    partitionErrorCode: 0,
    replicas: [1],
    isr: [1],
  }));

const args = (key: string | null, partitions = 6, topic = 'events'): PartitionerArgs => ({
  topic,
  partitionMetadata: metadata(partitions),
  message: { key, value: 'v' },
});

describe('CachingKeyPartitioner', () => {
  it('puts every key where the default (Java-compatible) partitioner does', () => {
    const cached = CachingKeyPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    for (let i = 0; i < 500; i++) {
      for (const partitions of [6, 6, 12, 1]) {
        const key = `client-${i}`;
        expect(cached(args(key, partitions))).toBe(reference(args(key, partitions)));
      }
    }
  });

  it('follows a change of the partition count', () => {
    const cached = CachingKeyPartitioner();
    const reference = Partitioners.DefaultPartitioner();
    const key = 'client-5';
    expect(cached(args(key, 6))).toBe(reference(args(key, 6)));
    expect(cached(args(key, 7))).toBe(reference(args(key, 7)));
  });

  it('leaves keyless messages and explicit partitions to the default', () => {
    const cached = CachingKeyPartitioner();
    expect(cached({ ...args('k'), message: { key: 'k', value: 'v', partition: 4 } })).toBe(4);
    expect(cached(args(null))).toBeGreaterThanOrEqual(0);
  });
});
