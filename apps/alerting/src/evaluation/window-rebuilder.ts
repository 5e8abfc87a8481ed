import { Injectable } from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { PartitionOffsets } from './replay-plan';

/** Reads the offsets a rebuild needs: the group's commits, the look-back instant's, the ends. */
@Injectable()
export class WindowRebuilder {
  constructor(private readonly kafka: Kafka) {}

  async offsets(
    groupId: string,
    topic: string,
    partitions: number[],
    lookbackFrom: number,
  ): Promise<PartitionOffsets[]> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [committed] = await admin.fetchOffsets({
        groupId,
        topics: [topic],
      });
      const atLookback = await admin.fetchTopicOffsetsByTimestamp(topic, lookbackFrom);
      const ends = await admin.fetchTopicOffsets(topic);
      return partitions.map((partition) => {
        const commit = committed.partitions.find((p) => p.partition === partition);
        return {
          partition,
          committed: BigInt(commit?.offset ?? '-1'),
          metadata: commit?.metadata ?? null,
          atLookback: BigInt(atLookback.find((p) => p.partition === partition)?.offset ?? '-1'),
          high: BigInt(ends.find((p) => p.partition === partition)?.high ?? '0'),
        };
      });
    } finally {
      await admin.disconnect();
    }
  }
}
