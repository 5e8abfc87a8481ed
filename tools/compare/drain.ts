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

export interface Drained {
  seconds: number;
  rows: number;
  deadLetters: number;
}

const POLL_MS = 1000;
/**
 * Lag that has not moved for this long is a consumer stuck on a batch: a backlog moves every
 * second, and the consumer retries a failing statement at most 10 s apart
 * (CONSUMER_RETRY_MAX_MS) and restarts a stalled Kafka consumer after 60 s.
 */
const STALLED_MS = 75_000;

/**
 * Done when the group has committed every message and two polls a second apart see the same
 * rows and dead letters: the consumer commits a batch only after its statement and its dead
 * letters, and the second look makes sure nothing is still on its way.
 */
export async function waitUntilPersisted(watch: DrainWatch): Promise<Drained> {
  const started = Date.now();
  let previous = '';
  let changedAt = started;
  for (;;) {
    const failure = watch.stillRunning();
    if (failure) throw new Error(failure);
    const [lag, rows, deadLetters] = await Promise.all([
      // A broker still loading the group's coordinator answers with a retriable error.
      groupLag(watch.kafka, watch.groupId, watch.topic).catch((error: { retriable?: boolean }) => {
        if (error.retriable) return Number.NaN;
        throw error;
      }),
      watch.db
        .query<{ rows: number }>('SELECT count(*)::int AS rows FROM events')
        .then((result) => result.rows[0].rows),
      endOffsets(watch.kafka, watch.deadLetterTopic).then((ends) =>
        ends.reduce((sum, end) => sum + end, 0),
      ),
    ]);
    const state = `${lag} ${rows} ${deadLetters}`;
    if (lag === 0 && state === previous) {
      return { seconds: (Date.now() - started) / 1000, rows, deadLetters };
    }
    if (state !== previous) changedAt = Date.now();
    previous = state;
    const waited = Date.now() - started;
    if (Date.now() - changedAt > STALLED_MS || waited > watch.timeoutMs) {
      throw new Error(
        `${waited > watch.timeoutMs ? 'not done' : 'stalled'} after ${(waited / 1000).toFixed(0)} s: lag ${lag}, ${rows} rows, ${deadLetters} dead letters`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
