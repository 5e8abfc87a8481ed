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
  private readonly answers = new Map<string, Remembered>();
  private weight = 0;

  /**
   * @param ttlMs how long an answer is reused; 0 turns reuse off
   * @param maxWeight most weight kept (by default each answer weighs 1); the oldest go first
   * @param weigh the weight of an answer once known, for answers of very different sizes
   * @param spread each answer lives a random part of ttlMs, between (1 - spread) and all of it:
   *   answers asked together then expire apart, instead of all being asked again at once
   */
  constructor(
    private readonly ttlMs: number,
    private readonly maxWeight: number,
    private readonly now: () => number = Date.now,
    private readonly weigh: (answer: unknown) => number = () => 1,
    private readonly spread = 0,
    private readonly random: () => number = Math.random,
  ) {}

  get<T>(question: string, answer: () => Promise<T>): Promise<T> {
    if (this.ttlMs <= 0) return answer();
    const now = this.now();
    return (this.known(question, now) ?? this.remember(question, answer(), now)) as Promise<T>;
  }

  /**
   * Answers to many questions at once: those known are reused, and all the others are asked in
   * one call (one query for many buckets costs little more than one for a single bucket).
   * `answerMissing` gets each unknown question once and answers them in the same order.
   */
  getMany<Q, T>(
    questions: readonly Q[],
    keyOf: (question: Q) => string,
    answerMissing: (missing: Q[]) => Promise<T[]>,
  ): Promise<T[]> {
    if (this.ttlMs <= 0) return answerMissing([...questions]);
    const now = this.now();
    const keys = questions.map(keyOf);
    const answers = new Map<string, Promise<unknown>>();
    const missing = new Map<string, Q>();
    keys.forEach((key, i) => {
      if (answers.has(key) || missing.has(key)) return;
      const known = this.known(key, now);
      if (known) answers.set(key, known);
      else missing.set(key, questions[i]);
    });
    if (missing.size > 0) {
      const asked = answerMissing([...missing.values()]);
      [...missing.keys()].forEach((key, i) =>
        answers.set(
          key,
          this.remember(
            key,
            asked.then((found) => found[i]),
            now,
          ),
        ),
      );
    }
    return Promise.all(keys.map((key) => answers.get(key) as Promise<T>));
  }

  private known(question: string, now: number): Promise<unknown> | undefined {
    const known = this.answers.get(question);
    if (known && known.expiresAt > now) return known.answer;
    if (known) this.forget(question, known);
    return undefined;
  }

  private remember<T>(question: string, answer: Promise<T>, now: number): Promise<T> {
    const lifetime = this.ttlMs * (1 - this.spread * this.random());
    const remembered: Remembered = { expiresAt: now + lifetime, answer, weight: 1 };
    this.answers.set(question, remembered);
    this.weight += remembered.weight;
    answer.then(
      (value) => {
        if (this.answers.get(question) !== remembered) return;
        const weight = this.weigh(value);
        this.weight += weight - remembered.weight;
        remembered.weight = weight;
        this.evict(this.now());
      },
      () => {
        if (this.answers.get(question) === remembered) this.forget(question, remembered);
      },
    );
    this.evict(now);
    return answer;
  }

  /**
   * Past maxWeight, drops the oldest answers (maps iterate in insertion order), and any
   * expired answers found before the first one kept.
   */
  private evict(now: number): void {
    for (const [question, remembered] of this.answers) {
      if (remembered.expiresAt > now && this.weight <= this.maxWeight) return;
      this.forget(question, remembered);
    }
  }

  private forget(question: string, remembered: Remembered): void {
    this.answers.delete(question);
    this.weight -= remembered.weight;
  }
}

interface Remembered {
  expiresAt: number;
  answer: Promise<unknown>;
  weight: number;
}
