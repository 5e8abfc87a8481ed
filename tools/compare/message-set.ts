/**
 * The one message set both builds consume: made from a seed and a clock anchor, so the same
 * bytes go to each build's events topic, in the same order, to the same partitions (chosen
 * here, not by a partitioner: kafkajs sends unkeyed messages from a random starting point).
 */
import { boundaryEvents, EdgeBody, edgeEvents } from './edge-events';
import { AWKWARD_SOURCES, legacyEvent, versionOneEvent } from './event-bodies';
import { invalidMessages } from './invalid-messages';
import { LiveTrickle, liveTrickle } from './live-trickle';
import { SeededRandom } from './seeded-random';
import { MessageKind, partitionOf, PlannedMessage } from './planned-message';

export type { MessageKind, PlannedMessage } from './planned-message';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

export const dayStart = (time: number): number => Math.floor(time / DAY_MS) * DAY_MS;

export interface MessageSetOptions {
  seed: number;
  /** Valid events, roughly: the bulk over the 3 days before the anchor, some older. */
  events: number;
  /** End of the bulk of the data (epoch ms, a whole hour); everything but a few is before it. */
  anchor: number;
  partitions: number;
  /** Ids published again with another occurredAt (a documented change of issue 15): 0 by default. */
  idReuses: number;
}

/** Where the data lies, for the ranges the comparison asks about. */
export interface DataWindows {
  anchor: number;
  /** [anchor - 3 days, anchor): the bulk. */
  main: { from: number; to: number };
  /** A late backfill around the UTC midnight 10 days back. */
  tenDaysBack: { from: number; to: number };
  /** A backfill inside one UTC day 40 days back. */
  fortyDaysBack: { from: number; to: number };
  /** Events a skewed producer dated a day ahead. */
  ahead: { from: number; to: number };
  /** Bucket boundaries with events on them and just around them. */
  boundaries: number[];
  /** Starts of 4-minute bursts inside the bulk. */
  bursts: number[];
}

export interface MessageSet {
  options: MessageSetOptions;
  windows: DataWindows;
  /** The backlog: published before the consumers start. */
  messages: PlannedMessage[];
  counts: Partial<Record<MessageKind, number>>;
  /** Published once the consumers have stored the backlog. */
  live: LiveTrickle;
  ids: {
    /** Stored ids of events sent with one, a deterministic sample. */
    sample: string[];
    conflicts: string[];
    nearDuplicates: string[];
    redelivered: string[];
    reused: string[];
    edge: string[];
  };
  sources: { busiest: string[]; rare: string[]; awkward: string[] };
}

/** An entry before it becomes bytes: `order` says when it is published. */
interface Entry {
  order: number;
  kind: MessageKind;
  event?: EdgeBody;
  invalid?: { key: string | null; value: Buffer | null; timestamp: number };
}

const MINUTE_MS = 60_000;

/** More events by day than by night (UTC), like most services. */
function diurnalTime(random: SeededRandom, from: number, to: number): number {
  for (;;) {
    const at = from + Math.floor(random.next() * (to - from));
    const hour = (at % DAY_MS) / HOUR_MS;
    const weight = 0.35 + 0.65 * ((1 + Math.sin((2 * Math.PI * (hour - 9)) / 24)) / 2);
    if (random.chance(weight)) return at;
  }
}

export function windowsOf(anchor: number): DataWindows {
  const tenDays = dayStart(anchor - 10 * DAY_MS);
  const fortyDays = dayStart(anchor - 40 * DAY_MS);
  return {
    anchor,
    main: { from: anchor - 3 * DAY_MS, to: anchor },
    tenDaysBack: { from: tenDays - 3 * HOUR_MS, to: tenDays + 3 * HOUR_MS },
    fortyDaysBack: { from: fortyDays + 9 * HOUR_MS, to: fortyDays + 15 * HOUR_MS },
    ahead: { from: anchor + 26 * HOUR_MS, to: anchor + 27 * HOUR_MS },
    boundaries: [
      dayStart(anchor - DAY_MS),
      dayStart(anchor - 2 * DAY_MS),
      anchor - 5 * HOUR_MS,
      anchor - 30 * HOUR_MS,
      tenDays,
      fortyDays + 12 * HOUR_MS,
    ],
    bursts: [0.2, 0.55, 0.9].map((share) => anchor - 3 * DAY_MS + Math.round(share * 3 * DAY_MS)),
  };
}

export function buildMessageSet(options: MessageSetOptions): MessageSet {
  const random = new SeededRandom(options.seed);
  const windows = windowsOf(options.anchor);
  const entries: Entry[] = [];
  const push = (kind: MessageKind, event: EdgeBody, order = event.timestamp) =>
    entries.push({ order, kind, event });

  const edges = edgeEvents(random, windows.main.from + 7 * HOUR_MS);
  const boundaries = boundaryEvents(random, windows.boundaries);
  const tenCount = Math.round(options.events * 0.015);
  const fortyCount = Math.round(options.events * 0.01);
  const aheadCount = 20;
  const mainCount = options.events - tenCount - fortyCount - aheadCount - edges.length;

  for (let i = 0; i < mainCount - boundaries.length; i++) {
    const at = random.chance(0.03)
      ? random.pick(windows.bursts) + random.int(0, 4 * MINUTE_MS)
      : diurnalTime(random, windows.main.from, windows.main.to);
    if (random.chance(0.045)) push('legacy', legacyEvent(random, at));
    else push('event', versionOneEvent(random, at));
  }
  for (const event of boundaries) push('event', event);
  for (const event of edges) push('edge', event);
  // Backfills and the skewed producer are published after the bulk, as late arrivals are.
  let late = windows.main.to - 10 * MINUTE_MS;
  const backfill = (count: number, window: { from: number; to: number }) => {
    for (let i = 0; i < count; i++) {
      const at = window.from + Math.floor(random.next() * (window.to - window.from));
      const event = random.chance(0.05) ? legacyEvent(random, at) : versionOneEvent(random, at);
      push(event.body.event_type ? 'legacy' : 'event', event, late++);
    }
  };
  backfill(tenCount, windows.tenDaysBack);
  backfill(fortyCount, windows.fortyDaysBack);
  for (let i = 0; i < aheadCount; i++) {
    const at =
      windows.ahead.from + Math.floor(random.next() * (windows.ahead.to - windows.ahead.from));
    const event = versionOneEvent(random, at);
    // Its own clock is wrong, not Kafka's: dated ahead in occurredAt, stamped now.
    event.body.occurredAt = new Date(at).toISOString();
    event.timestamp = late;
    push('event', event, late++);
  }

  const originals = entries.filter(
    (entry): entry is Entry & { event: EdgeBody } =>
      entry.kind === 'event' &&
      entry.event!.id !== undefined &&
      entry.event!.body.id === entry.event!.id &&
      entry.event!.key !== null &&
      typeof entry.event!.body.occurredAt === 'string' &&
      entry.event!.body.occurredAt.length === 24 &&
      entry.order < windows.main.to,
  );
  const taken = new Set<Entry>();
  const takeOriginal = () => {
    for (;;) {
      const entry = random.pick(originals);
      if (!taken.has(entry)) {
        taken.add(entry);
        return entry;
      }
    }
  };
  const laterCopy = (
    original: Entry & { event: EdgeBody },
    kind: MessageKind,
    body: Record<string, unknown>,
    delay: number,
  ) => push(kind, { ...original.event, body, rawJson: undefined }, original.order + delay);

  const redelivered: string[] = [];
  const redeliveries = Math.round(originals.length * 0.02);
  for (let i = 0; i < redeliveries; i++) {
    const original = random.pick(originals);
    // The same bytes again: a producer's retry, a mirror replaying a topic.
    laterCopy(original, 'redelivery', original.event.body, random.int(1000, 30 * MINUTE_MS));
    redelivered.push(original.event.id!);
  }

  const conflicts: string[] = [];
  const otherContent: ((body: Record<string, unknown>) => void)[] = [
    (body) => (body.severity = body.severity === 'critical' ? 'low' : 'critical'),
    (body) => (body.value = typeof body.value === 'number' ? body.value + 1 : 42),
    (body) => (body.payload = { conflicting: true }),
    (body) => (body.type = 'conflict.other-type'),
    (body) => (body.source = 'conflict-source'),
    (body) => (body.payload = 'a different text'),
  ];
  for (let i = 0; i < 12; i++) {
    const original = takeOriginal();
    const body = { ...original.event.body };
    otherContent[i % otherContent.length](body);
    laterCopy(original, 'conflict', body, random.int(MINUTE_MS, HOUR_MS));
    conflicts.push(original.event.id!);
  }

  // The same content written otherwise: duplicates, not conflicts, in either build.
  const nearDuplicates: string[] = [];
  const sameContent: ((body: Record<string, unknown>) => Record<string, unknown>)[] = [
    (body) => {
      const reversed = Object.fromEntries(Object.entries(body).reverse());
      const payload = body.payload;
      if (typeof payload === 'object' && payload !== null) {
        reversed.payload = Object.fromEntries(Object.entries(payload).reverse());
      }
      return reversed;
    },
    (body) => ({ ...body, occurredAt: `${(body.occurredAt as string).slice(0, 23)}+00:00` }),
    (body) => ({ ...body, id: (body.id as string).toUpperCase() }),
  ];
  for (let i = 0; i < 9; i++) {
    const original = takeOriginal();
    laterCopy(
      original,
      'near-duplicate',
      sameContent[i % sameContent.length](original.event.body),
      random.int(MINUTE_MS, HOUR_MS),
    );
    nearDuplicates.push(original.event.id!);
  }

  const reused: string[] = [];
  for (let i = 0; i < options.idReuses; i++) {
    const original = takeOriginal();
    const occurredAt = Date.parse(original.event.body.occurredAt as string) + HOUR_MS;
    const body = { ...original.event.body, occurredAt: new Date(occurredAt).toISOString() };
    laterCopy(original, 'id-reuse', body, random.int(MINUTE_MS, HOUR_MS));
    reused.push(original.event.id!);
  }

  for (let copy = 0; copy < 3; copy++) {
    for (const message of invalidMessages()) {
      const order = diurnalTime(random, windows.main.from, windows.main.to);
      entries.push({ order, kind: 'invalid', invalid: { ...message, timestamp: order } });
    }
  }

  // Stable: equal orders keep the order they were made in.
  const published = entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.order - b.entry.order || a.index - b.index)
    .map(({ entry }) => entry);
  const messages = published.map((entry) => toMessage(entry, random, options.partitions));
  const counts: Partial<Record<MessageKind, number>> = {};
  for (const message of messages) counts[message.kind] = (counts[message.kind] ?? 0) + 1;

  const withIds = entries.filter((e) => e.kind === 'event' && e.event?.id !== undefined);
  const sample = Array.from({ length: 60 }, () => random.pick(withIds).event!.id!);
  return {
    options,
    windows,
    messages,
    counts,
    live: liveTrickle(random, options.anchor, options.partitions),
    ids: {
      sample,
      conflicts,
      nearDuplicates,
      redelivered: redelivered.slice(0, 20),
      reused,
      edge: edges.map((edge) => edge.id!),
    },
    sources: sourcesOf(entries),
  };
}

function toMessage(entry: Entry, random: SeededRandom, partitions: number): PlannedMessage {
  const { key, value, timestamp } = entry.invalid ?? {
    key: entry.event!.key,
    value: Buffer.from(entry.event!.rawJson ?? JSON.stringify(entry.event!.body), 'utf8'),
    timestamp: entry.event!.timestamp,
  };
  return {
    partition: key === null ? random.int(0, partitions - 1) : partitionOf(key, partitions),
    key: key === null ? null : Buffer.from(key, 'utf8'),
    value,
    timestamp,
    kind: entry.kind,
  };
}

/** The busiest sources, some seen once or twice, and the awkward names. */
function sourcesOf(entries: readonly Entry[]): MessageSet['sources'] {
  const counts = new Map<string, number>();
  for (const entry of entries) {
    const source = entry.event?.body.source;
    if (entry.kind === 'event' && typeof source === 'string') {
      counts.set(source, (counts.get(source) ?? 0) + 1);
    }
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    busiest: ranked.slice(0, 4).map(([source]) => source),
    rare: ranked
      .filter(([, count]) => count <= 3)
      .slice(0, 4)
      .map(([source]) => source),
    awkward: [...AWKWARD_SOURCES],
  };
}
