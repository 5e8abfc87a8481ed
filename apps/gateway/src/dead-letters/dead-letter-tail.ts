import type { KafkaMessage } from 'kafkajs';
import { DeadLetterHeader } from '@app/contracts';

/** A dead-lettered event as the gateway keeps it: its id is `<partition>-<offset>`. */
export interface DeadLetter {
  id: string;
  partition: number;
  offset: string;
  reasons: string[];
  stage: string | null;
  originalTopic: string | null;
  originalPartition: number | null;
  originalOffset: string | null;
  failedAt: string | null;
  service: string | null;
  key: string | null;
  value: Buffer | null;
}

const header = (message: KafkaMessage, name: string): string | null => {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? null : String(first);
};

function reasonsOf(message: KafkaMessage): string[] {
  const json = header(message, DeadLetterHeader.Reasons);
  if (json) {
    try {
      const parsed: unknown = JSON.parse(json);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // fall back to the joined reason below
    }
  }
  const joined = header(message, DeadLetterHeader.Reason);
  return joined ? [joined] : [];
}

export function toDeadLetter(message: KafkaMessage, partition: number): DeadLetter {
  const originalPartition = header(message, DeadLetterHeader.OriginalPartition);
  return {
    id: `${partition}-${message.offset}`,
    partition,
    offset: message.offset,
    reasons: reasonsOf(message),
    stage: header(message, DeadLetterHeader.Stage),
    originalTopic: header(message, DeadLetterHeader.OriginalTopic),
    originalPartition: originalPartition === null ? null : Number(originalPartition),
    originalOffset: header(message, DeadLetterHeader.OriginalOffset),
    failedAt: header(message, DeadLetterHeader.FailedAt),
    service: header(message, DeadLetterHeader.Service),
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
  };
}

/**
 * The newest dead letters, bounded by count and by bytes so a flood of large poison messages
 * cannot grow the gateway's memory: the oldest go first.
 */
export class DeadLetterTail {
  private readonly records = new Map<string, DeadLetter>();
  private bytes = 0;

  constructor(
    private readonly maxRecords: number,
    private readonly maxBytes: number,
  ) {}

  add(record: DeadLetter): void {
    this.records.set(record.id, record);
    this.bytes += record.value?.length ?? 0;
    for (const [id, oldest] of this.records) {
      if (this.records.size <= this.maxRecords && this.bytes <= this.maxBytes) break;
      this.records.delete(id);
      this.bytes -= oldest.value?.length ?? 0;
    }
  }

  get(id: string): DeadLetter | undefined {
    return this.records.get(id);
  }

  /** Newest first. */
  newest(limit: number): DeadLetter[] {
    return [...this.records.values()].reverse().slice(0, limit);
  }
}
