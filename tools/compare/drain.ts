/** Waiting, bounded, until a consumer has persisted or dead-lettered everything it was given. */
import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { endOffsets, groupLag } from './kafka-io';

export interface DrainWatch {
  kafka: Kafka;
  groupId: string;
  topic: string;
  deadLetterTopic: string;
  db: Client;
  timeoutMs: number;
  /** Undefined while the consumer runs; else why it stopped. */
  stillRunning: () => string | undefined;
}

const POLL_MS = 1000;

/**
 * Done when the group has committed every message and two polls a second apart see the same
 * rows and dead letters: the consumer commits a batch only after its statement and its dead
 * letters, and the second look makes sure nothing is still on its way.
 */
export async function waitUntilPersisted(
  watch: DrainWatch,
): Promise<{ seconds: number; rows: number; deadLetters: number }> {
  const started = Date.now();
  let previous = '';
  for (;;) {
    const failure = watch.stillRunning();
    if (failure) throw new Error(failure);
    const [lag, rows, deadLetters] = await Promise.all([
      // A broker still loading the group's coordinator answers with a retriable error.
      groupLag(watch.kafka, watch.groupId, watch.topic).catch((error: { retriable?: boolean }) => {
        if (error.retriable) return Number.POSITIVE_INFINITY;
        throw error;
      }),
      watch.db
        .query<{ rows: number }>('SELECT count(*)::int AS rows FROM events')
        .then((result) => result.rows[0].rows),
      endOffsets(watch.kafka, watch.deadLetterTopic).then((ends) =>
        ends.reduce((sum, end) => sum + end, 0),
      ),
    ]);
    const state = `${rows} ${deadLetters}`;
    if (lag === 0 && state === previous) {
      return { seconds: (Date.now() - started) / 1000, rows, deadLetters };
    }
    previous = lag === 0 ? state : '';
    if (Date.now() - started > watch.timeoutMs) {
      throw new Error(
        `not drained after ${watch.timeoutMs / 1000} s: lag ${lag}, ${rows} rows, ${deadLetters} dead letters`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
