import { Logger } from '@nestjs/common';
import { Consumer } from 'kafkajs';
import { OffsetTracker } from './offset-tracker';

/**
 * Commits what an OffsetTracker says is safe, every `intervalMs` and on a final flush,
 * instead of one commit round trip per batch. A crash loses at most one interval of
 * progress, which is replayed; the incident ledger and deterministic ids absorb that.
 * (kafkajs' own autoCommit is not used: with it, a seek commits the sought offset, and a
 * rebuild seeks backwards.)
 */
export class OffsetCommitter {
  private timer?: NodeJS.Timeout;
  private readonly committed = new Map<number, string>();

  constructor(
    /** The consumer of the moment (it is replaced when it stalls). */
    private readonly consumer: () => Consumer,
    private readonly topic: string,
    private readonly tracker: OffsetTracker,
    private readonly logger: Logger,
    /** Metadata committed with a partition's offset (what that progress was made under). */
    private readonly metadataOf: (partition: number) => string | null = () => null,
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.flush(), intervalMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  async flush(): Promise<void> {
    const due = this.tracker
      .committable()
      .map((o) => ({ ...o, metadata: this.metadataOf(o.partition) }))
      .filter((o) => this.committed.get(o.partition) !== commitKey(o));
    if (due.length === 0) return;
    try {
      await this.consumer().commitOffsets(due.map((o) => ({ topic: this.topic, ...o })));
      for (const o of due) this.committed.set(o.partition, commitKey(o));
    } catch (error) {
      // A rebalance took the partition: its new owner takes over from the last commit.
      this.logger.warn(`commit failed: ${(error as Error).message}`);
    }
  }

  /** After a rebalance: forget partitions (and what we committed for them) to start clean. */
  forget(partitions: number[]): void {
    this.tracker.forget(partitions);
    for (const partition of partitions) this.committed.delete(partition);
  }
}

const commitKey = (o: { offset: string; metadata: string | null }) => `${o.offset} ${o.metadata}`;
