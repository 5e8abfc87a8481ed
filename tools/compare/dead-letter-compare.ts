/**
 * The dead letters of both builds: every record of each build's events.dlq, as where it came
 * from, its stage and reasons, and the original bytes, in a stable order (the order in which
 * they were written follows the partitions the consumer happened to process first).
 */
import { createHash } from 'node:crypto';
import { Kafka, KafkaMessage } from 'kafkajs';
import { DeadLetterHeader } from '@app/contracts';
import { readWholeTopic } from './kafka-io';

export interface DeadLetterSummary {
  /** `partition/offset stage reasons key sha256(value)`, sorted. */
  records: string[];
  /** Records by stage and reasons. */
  byReason: Map<string, number>;
}

/** Headers left out: dlq.failed-at, the time the consumer dead-lettered the record. */
const IGNORED_HEADERS = new Set<string>([DeadLetterHeader.FailedAt]);

export async function readDeadLetters(kafka: Kafka, topic: string): Promise<DeadLetterSummary> {
  const records = await readWholeTopic(kafka, topic);
  const byReason = new Map<string, number>();
  const lines = records.map(({ message }) => {
    const header = (name: string) => headerText(message, name);
    const reason = `${header(DeadLetterHeader.Stage)}: ${header(DeadLetterHeader.Reasons)}`;
    byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    const others = Object.keys(message.headers ?? {})
      .filter((name) => !IGNORED_HEADERS.has(name))
      .sort()
      .map((name) => `${name}=${header(name)}`);
    const value = message.value
      ? `${message.value.length}:${createHash('sha256').update(message.value).digest('hex')}`
      : 'null';
    return [
      `${header(DeadLetterHeader.OriginalPartition)}/${header(DeadLetterHeader.OriginalOffset)}`,
      `key=${message.key?.toString('base64') ?? 'null'}`,
      `value=${value}`,
      ...others,
    ].join(' ');
  });
  return { records: lines.sort(), byReason };
}

function headerText(message: KafkaMessage, name: string): string {
  const value = message.headers?.[name];
  if (value === undefined) return '';
  return (Array.isArray(value) ? value : [value]).map((v) => v?.toString() ?? '').join(',');
}

export interface DeadLetterComparison {
  oldRecords: number;
  newRecords: number;
  /** Records only one side holds (as multisets), the first few of each. */
  onlyOld: string[];
  onlyNew: string[];
  differing: number;
  /** stage: reasons -> [old, new] */
  byReason: Map<string, [number, number]>;
}

export function compareDeadLetters(
  old: DeadLetterSummary,
  current: DeadLetterSummary,
): DeadLetterComparison {
  const remaining = new Map<string, number>();
  for (const record of old.records) remaining.set(record, (remaining.get(record) ?? 0) + 1);
  const onlyNew: string[] = [];
  for (const record of current.records) {
    const left = remaining.get(record) ?? 0;
    if (left > 0) remaining.set(record, left - 1);
    else onlyNew.push(record);
  }
  const onlyOld = [...remaining].flatMap(([record, count]) => Array<string>(count).fill(record));
  const byReason = new Map<string, [number, number]>();
  for (const [reason, count] of old.byReason) byReason.set(reason, [count, 0]);
  for (const [reason, count] of current.byReason) {
    byReason.set(reason, [byReason.get(reason)?.[0] ?? 0, count]);
  }
  return {
    oldRecords: old.records.length,
    newRecords: current.records.length,
    onlyOld: onlyOld.slice(0, 5),
    onlyNew: onlyNew.slice(0, 5),
    differing: onlyOld.length + onlyNew.length,
    byReason,
  };
}
