import { Logger } from '@nestjs/common';
import { Kafka, Message, ProducerRecord } from 'kafkajs';
import { AlertRule, decodeAlertingStatus, decodeRule } from '@app/contracts';
import { AlertingConfig } from '../alerting.config';
import { EvaluationService } from '../evaluation/evaluation.service';
import { CatalogChange, RuleCatalog } from '../rules/rule-catalog.service';
import { AlertingStatusReporter } from './status-reporter';

/** The one producer the reporter makes: sends are recorded, and held while `hold` is set. */
class HeldProducer {
  readonly messages: Message[] = [];
  hold = false;
  private readonly held: Array<() => void> = [];

  connect = () => Promise.resolve();
  disconnect = () => Promise.resolve();
  send = (record: ProducerRecord): Promise<[]> => {
    this.messages.push(...record.messages);
    if (!this.hold) return Promise.resolve([]);
    return new Promise((resolve) => this.held.push(() => resolve([])));
  };

  release(): void {
    this.hold = false;
    for (const resolve of this.held.splice(0)) resolve();
  }
}

const rule = (() => {
  const decoded = decodeRule({
    id: 'cpu',
    name: 'CPU',
    match: { types: ['host.cpu.usage'] },
    window: { seconds: 60 },
    condition: { aggregate: 'avg', operator: '>', threshold: 90 },
  });
  if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
  return decoded.rule;
})();

describe('AlertingStatusReporter', () => {
  let producer: HeldProducer;
  let changeListener: (change: CatalogChange) => void;
  let reporter: AlertingStatusReporter;
  let keys: Map<string, number>;

  const change = () => changeListener({ ruleId: 'cpu', rule, position: 7 });
  /** Lets the reporter's promise chains and setImmediate callbacks run (timers are fake). */
  const settle = async () => {
    for (let i = 0; i < 5; i++) await jest.advanceTimersByTimeAsync(0);
  };
  const reports = () =>
    producer.messages.map((message) => {
      if (message.value === null) return null;
      const decoded = decodeAlertingStatus(message.value);
      if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
      return decoded.report;
    });

  beforeEach(() => {
    jest.useFakeTimers({ now: Date.parse('2026-12-06T20:00:00Z') });
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    producer = new HeldProducer();
    keys = new Map([['cpu', 2]]);
    const catalog = {
      onChange: (listener: (change: CatalogChange) => void) => (changeListener = listener),
      predefined: (): { path: string; rules: AlertRule[] } => ({
        path: 'rules.yaml',
        rules: [rule],
      }),
    } as unknown as RuleCatalog;
    const evaluation = {
      keysByRule: () => keys,
      pendingKeysByRule: () => new Map([['cpu', 1]]),
    } as unknown as EvaluationService;
    const config = Object.assign(new AlertingConfig(), {
      statusIntervalMs: 5000,
      kafkaTopicPrefix: 'p-',
    });
    reporter = new AlertingStatusReporter(
      { producer: () => producer } as unknown as Kafka,
      config,
      catalog,
      evaluation,
    );
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('reports at start, then every interval, keyed by its replica id', async () => {
    change(); // before start (the catalog loading): nothing to report yet
    await reporter.start();
    await settle();
    expect(reports()).toEqual([
      {
        replicaId: reporter.replicaId,
        reportedAt: '2026-12-06T20:00:00.000Z',
        intervalMs: 5000,
        rulesFile: { path: 'rules.yaml', rules: [rule] },
        windows: [{ ruleId: 'cpu', activeKeys: 2, pendingKeys: 1 }],
      },
    ]);
    expect(producer.messages.every((m) => m.key === reporter.replicaId)).toBe(true);
    keys = new Map([['cpu', 5]]);
    await jest.advanceTimersByTimeAsync(5000);
    expect(reports().map((r) => [r?.reportedAt, r?.windows[0].activeKeys])).toEqual([
      ['2026-12-06T20:00:00.000Z', 2],
      ['2026-12-06T20:00:05.000Z', 5],
    ]);
    await reporter.stop();
  });

  it('reports right after a rule change, once for changes that come together', async () => {
    await reporter.start();
    await settle();
    change();
    change();
    await settle();
    expect(reports()).toHaveLength(2);
    await reporter.stop();
  });

  it('sends one more report after the one in flight, however many were asked for meanwhile', async () => {
    producer.hold = true;
    await reporter.start();
    await settle();
    change();
    await settle();
    change();
    await jest.advanceTimersByTimeAsync(5000);
    expect(reports()).toHaveLength(1);
    producer.release();
    await settle();
    expect(reports()).toHaveLength(2);
    await reporter.stop();
  });

  it('on stop, publishes a tombstone for its key last and no report after it', async () => {
    await reporter.start();
    await settle();
    await reporter.stop();
    change();
    await jest.advanceTimersByTimeAsync(20_000);
    expect(producer.messages.map((m) => [m.key, m.value === null])).toEqual([
      [reporter.replicaId, false],
      [reporter.replicaId, true],
    ]);
  });
});
