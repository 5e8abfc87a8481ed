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
    return (this.known(question, now)?.answer ??
      this.remember(question, answer(), now)) as Promise<T>;
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
    const values: T[] = new Array<T>(questions.length);
    // Answers not in hand yet, by position. Those in hand are copied at once: a summary asks
    // for hundreds of buckets, and waiting on each one's promise costs a turn of the queue.
    const waits: { at: number; answer: Promise<unknown> }[] = [];
    const missing = new Map<string, { question: Q; at: number[] }>();
    questions.forEach((question, at) => {
      const key = keyOf(question);
      const asking = missing.get(key);
      if (asking) return void asking.at.push(at);
      const known = this.known(key, now);
      if (known?.settled) values[at] = known.value as T;
      else if (known) waits.push({ at, answer: known.answer });
      else missing.set(key, { question, at: [at] });
    });
    if (missing.size > 0) {
      const asked = answerMissing([...missing.values()].map((m) => m.question));
      [...missing].forEach(([key, { at }], i) => {
        const answer = this.remember(
          key,
          asked.then((found) => found[i]),
          now,
        );
        for (const position of at) waits.push({ at: position, answer });
      });
    }
    if (waits.length === 0) return Promise.resolve(values);
    return Promise.all(waits.map((wait) => wait.answer)).then((answers) => {
      waits.forEach((wait, i) => (values[wait.at] = answers[i] as T));
      return values;
    });
  }

  /** Drops these answers, so that the next question reads them afresh. */
  forgetAll(questions: readonly string[]): void {
    for (const question of questions) {
      const remembered = this.answers.get(question);
      if (remembered) this.forget(question, remembered);
    }
  }

  private known(question: string, now: number): Remembered | undefined {
    const known = this.answers.get(question);
    if (known && known.expiresAt > now) return known;
    if (known) this.forget(question, known);
    return undefined;
  }

  private remember<T>(question: string, answer: Promise<T>, now: number): Promise<T> {
    const lifetime = this.ttlMs * (1 - this.spread * this.random());
    const remembered: Remembered = {
      expiresAt: now + lifetime,
      answer,
      weight: 1,
      settled: false,
    };
    this.answers.set(question, remembered);
    this.weight += remembered.weight;
    answer.then(
      (value) => {
        remembered.settled = true;
        remembered.value = value;
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
  /** Whether `answer` has resolved, to `value`. */
  settled: boolean;
  value?: unknown;
}
