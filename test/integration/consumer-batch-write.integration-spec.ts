import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { NormalizedEvent } from '@app/contracts';
import { dataSourceOptions } from '@app/database';
import {
  EventBatchRepository,
  PersistableEvent,
  persistableEvent,
} from '../../apps/consumer/src/repositories/event-batch.repository';
import { createScratchDatabase, ScratchDatabase } from '../support/database';

/**
 * The consumer's batch statement against the real database, with the texts that array
 * parameters get wrong when escaped by hand: quotes, backslashes, braces, commas, the word
 * NULL, empty strings, multi-byte characters. Every row must come back exactly as sent.
 */
describe('consumer: the batch statement stores every text as sent', () => {
  let db: ScratchDatabase;
  let dataSource: DataSource;
  let repository: EventBatchRepository;

  beforeAll(async () => {
    db = await createScratchDatabase('batch_write');
    dataSource = new DataSource({
      ...dataSourceOptions({ url: db.url, poolSize: 1 }),
      logging: false,
    });
    await dataSource.initialize();
    repository = new EventBatchRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  const awkward = ['a"b', 'back\\slash', '{x,y}', 'NULL', 'null', '', ' padded ', 'é€😀', '","'];
  const at = new Date('2026-12-05T10:00:00.123Z');

  function event(index: number, overrides: Partial<NormalizedEvent> = {}): NormalizedEvent {
    return {
      id: randomUUID(),
      type: `type.${index}`,
      source: awkward[index % awkward.length],
      severity: 'high',
      occurredAt: new Date(at.getTime() + index),
      value: index % 3 === 0 ? null : index / 8,
      payload: { text: awkward[(index + 1) % awkward.length], nested: { list: [1, '}', null] } },
      ...overrides,
    };
  }

  const stored = () =>
    db.query<{
      id: string;
      type: string;
      source: string;
      occurred_at: Date;
      value: number | null;
      payload: unknown;
      kafka_partition: number;
      kafka_offset: string;
    }>(
      `SELECT id, type, source, occurred_at, value, payload, kafka_partition, kafka_offset::text
         FROM events ORDER BY kafka_offset`,
    );

  it('round-trips awkward texts, payloads, values and offsets beyond 2^53', async () => {
    const events: NormalizedEvent[] = [
      ...awkward.map((text, index) => event(index, { type: text })),
      event(20, { payload: 'a string payload with "quotes" and \\' }),
      event(21, { payload: null }),
      event(22, { payload: { '': '', 'k"': ['\\', '{'] } }),
      event(23, { value: -1.5e300 }),
    ];
    const rows: PersistableEvent[] = events.map((e, index) =>
      persistableEvent(e, index % 6, (9_007_199_254_740_993n + BigInt(index)).toString()),
    );

    expect(await repository.insertBatch(rows)).toBe(rows.length);

    const back = await stored();
    expect(back).toEqual(
      events.map((e, index) => ({
        id: e.id,
        type: e.type,
        source: e.source,
        occurred_at: e.occurredAt,
        value: e.value,
        payload: e.payload,
        kafka_partition: rows[index].partition,
        kafka_offset: rows[index].offset,
      })),
    );
    // The same batch again is a redelivery: nothing new, and no conflicts.
    expect(await repository.insertBatch(rows)).toBe(0);
    expect(await repository.findConflicts(rows)).toEqual([]);
    // The same ids with other content are conflicts, found by position.
    const changed = rows.map((row, index) =>
      index === 3 || index === 10 ? { ...row, payloadJson: '{"other": true}' } : row,
    );
    expect(await repository.findConflicts(changed)).toEqual([3, 10]);
  });

  it('stores multi-byte payloads followed by payload-less events (the consumer once stopped on them)', async () => {
    await db.query('TRUNCATE events, event_rollups_minute, event_counts');
    const events: NormalizedEvent[] = [
      event(30, { payload: { name: 'Zoë', city: 'Köln', note: 'ééééé' } }),
      ...[31, 32, 33, 34].map((index) => event(index, { payload: null })),
    ];
    const rows = events.map((e, index) => persistableEvent(e, 0, String(index)));
    expect(await repository.insertBatch(rows)).toBe(rows.length);
    expect((await stored()).map((row) => row.payload)).toEqual(events.map((e) => e.payload));
  });
});
