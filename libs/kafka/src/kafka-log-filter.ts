export type KafkaLogLevel = 'error' | 'warn' | 'debug';

export interface KafkaLogDecision {
  level: KafkaLogLevel;
  /** Said before the line when start-up noise has gone on too long to be start-up. */
  note?: string;
}

/**
 * What a brand-new broker answers for a few seconds while it creates `__consumer_offsets`,
 * elects partition leaders and loads group state. kafkajs retries each of these by itself
 * (and ensureTopics waits for leaders), yet logs every one at error level.
 */
const TRANSIENT_ERRORS = [
  'The coordinator is loading',
  'The group coordinator is not available',
  'This is not the correct coordinator for this group',
  'This server does not host this topic-partition',
  'There is no leader for this topic-partition',
  'This server is not the leader for that topic-partition',
  // A CreateTopics another service won; ensureTopics reports any real creation failure.
  'Topic creation errors',
  'Topic with this name already exists',
];

/** Longer than any healthy start-up, short enough to flag a broker that stays unusable. */
export const TRANSIENT_PERSISTS_AFTER_MS = 30_000;

/**
 * Decides the level of a kafkajs log line: start-up noise goes to debug, unless one kind of
 * it keeps coming for more than `persistsAfterMs` without a pause that long, in which case it is
 * reported once at warn (per episode) since the broker is then not just starting. Everything
 * else keeps the level kafkajs gave it.
 */
export class KafkaLogFilter {
  /** Per transient error: when its current run of occurrences began, and whether it warned. */
  private readonly episodes = new Map<string, { since: number; last: number; warned: boolean }>();
  /** Consumer groups whose last crash was a transient error: their restart is routine too. */
  private readonly transientCrashes = new Set<string>();

  constructor(
    private readonly persistsAfterMs = TRANSIENT_PERSISTS_AFTER_MS,
    private readonly now: () => number = Date.now,
  ) {}

  decide(level: KafkaLogLevel, message: string, extra: Record<string, unknown>): KafkaLogDecision {
    if (level === 'debug') return { level };
    const groupId = typeof extra.groupId === 'string' ? extra.groupId : undefined;
    if (message.startsWith('Restarting the consumer') && groupId !== undefined) {
      return { level: this.transientCrashes.delete(groupId) ? 'debug' : level };
    }
    const text = `${message} ${typeof extra.error === 'string' ? extra.error : ''}`;
    const transient = TRANSIENT_ERRORS.find((known) => text.includes(known));
    if (message.startsWith('Crash:') && groupId !== undefined) {
      if (transient) this.transientCrashes.add(groupId);
      else this.transientCrashes.delete(groupId);
    }
    return transient === undefined ? { level } : this.transientDecision(transient);
  }

  private transientDecision(kind: string): KafkaLogDecision {
    const now = this.now();
    let episode = this.episodes.get(kind);
    if (!episode || now - episode.last > this.persistsAfterMs) {
      episode = { since: now, last: now, warned: false };
      this.episodes.set(kind, episode);
    }
    episode.last = now;
    if (!episode.warned && now - episode.since > this.persistsAfterMs) {
      episode.warned = true;
      const seconds = Math.round((now - episode.since) / 1000);
      return { level: 'warn', note: `"${kind}" for ${seconds} s now (logged once):` };
    }
    return { level: 'debug' };
  }
}
