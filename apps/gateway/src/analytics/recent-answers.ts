/**
 * Answers to recent analytics questions, for a few seconds. Everyone on call tends to look
 * at the same few ranges ("the last 24 hours") and dashboards ask again every few seconds;
 * the counts behind an answer only move as events arrive, so an answer that is a few seconds
 * old is as useful and costs no query. Identical questions asked while the first is still
 * being answered wait for that answer instead of running the same query again.
 *
 * A failed answer is forgotten at once, so an outage is never remembered past itself.
 */
export class RecentAnswers {
  private readonly answers = new Map<string, { expiresAt: number; answer: Promise<unknown> }>();

  /**
   * @param ttlMs how long an answer is reused; 0 turns reuse off
   * @param maxEntries most answers kept; the oldest go first
   */
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get<T>(question: string, answer: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return answer();
    const now = this.now();
    const known = this.answers.get(question);
    if (known && known.expiresAt > now) return known.answer as Promise<T>;
    this.answers.delete(question);
    const fresh = answer();
    this.answers.set(question, { expiresAt: now + this.ttlMs, answer: fresh });
    fresh.catch(() => {
      if (this.answers.get(question)?.answer === fresh) this.answers.delete(question);
    });
    // Maps iterate in insertion order: the first key is the oldest answer.
    while (this.answers.size > this.maxEntries) {
      this.answers.delete(this.answers.keys().next().value as string);
    }
    return fresh;
  }
}
