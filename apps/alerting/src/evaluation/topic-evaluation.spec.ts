import { Logger } from '@nestjs/common';
import { Registry } from 'prom-client';
import { Message } from 'kafkajs';
import { AlertRule, LifecycleMessage } from '@app/contracts';
import { EngineEvent } from '@app/engine';
import { makeRule } from '@app/engine/testing/fixtures';
import { ConsumerStallMonitor } from '@app/kafka';
import { FakeKafka, fakeMessage } from '@app/kafka/testing/fake-kafka';
import { AlertingConfig } from '../alerting.config';
import { IncidentLedger } from '../incidents/incident-ledger.service';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { NotificationPublisher } from '../notifications/notification.publisher';
import { CatalogChange, FILE_POSITION, RuleCatalog } from '../rules/rule-catalog.service';
import { MatchForwarder } from '../repartition/match-forwarder';
import { RecordOrigin } from './evaluation-route';
import { EventsRoute } from './events-route';
import { TopicEvaluation } from './topic-evaluation';
import { PartitionOffsets } from './replay-plan';
import { TransitionHandler } from './transition-handler';
import { WindowRebuilder } from './window-rebuilder';

const TOPIC = 'events';

/** The rules in force, changed by the test as the alert-rules topic would. */
class FakeCatalog {
  private readonly rules = new Map<string, AlertRule>();
  private readonly listeners: Array<(change: CatalogChange) => void> = [];

  constructor(rules: AlertRule[]) {
    for (const rule of rules) this.rules.set(rule.id, rule);
  }
  all = () => [...this.rules.values()];
  get = (id: string) => this.rules.get(id);
  onChange = (listener: (change: CatalogChange) => void) => void this.listeners.push(listener);
  set(rule: AlertRule, position: number): void {
    this.rules.set(rule.id, rule);
    for (const listener of this.listeners) listener({ ruleId: rule.id, rule, position });
  }
}

/** A valid event of source `api` that the rule below counts, stamped one second ago. */
const event = (offset: number) =>
  fakeMessage(
    String(offset),
    JSON.stringify({
      id: `00000000-0000-4000-8000-${String(offset).padStart(12, '0')}`,
      type: 'payment.exception',
      source: 'api',
      severity: 'high',
      occurredAt: new Date(Date.now() - 1000).toISOString(),
    }),
  );
const events = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => event(from + i));

const nextTicks = async (n = 10) => {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** A send to the broker: refused while `failures` lasts (an outage), then kept in `sent`. */
function brokerSend<T>(sent: T[]) {
  const broker = {
    failures: 0,
    send(items: T[]): Promise<void> {
      if (broker.failures > 0) {
        broker.failures--;
        return Promise.reject(new Error('broker not available'));
      }
      sent.push(...items);
      return Promise.resolve();
    },
  };
  return broker;
}

function setup() {
  const kafka = new FakeKafka();
  const config = Object.assign(new AlertingConfig(), {
    kafkaTopicPrefix: '',
    eventIdSecret: 'a-test-event-id-secret',
    groupId: 'alerting',
  });
  const metrics = new AlertingMetrics(new Registry());
  // More than two payment exceptions of one source within a minute.
  const catalog = new FakeCatalog([makeRule({ id: 'payments' })]);
  const ledger = new IncidentLedger(kafka.asKafka(), config, metrics);
  const transitions = new TransitionHandler(
    catalog as unknown as RuleCatalog,
    ledger,
    metrics,
    config,
  );
  const published: LifecycleMessage[] = [];
  const publishing = brokerSend(published);
  const publisher = { lifecycle: (messages: LifecycleMessage[]) => publishing.send(messages) };
  const plans: Array<() => Promise<PartitionOffsets[]>> = [];
  const rebuilder = {
    offsets: () => (plans.shift() ?? (() => Promise.reject(new Error('no plan'))))(),
  };
  const logs: string[] = [];
  jest.spyOn(Logger.prototype, 'log').mockImplementation((m: string) => void logs.push(m));
  jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const forwarded: Message[] = [];
  const forwarding = brokerSend(forwarded);
  const forwarder = {
    ruleChanged: (_: string, rule: AlertRule | null) => rule?.groupBy === 'none',
    matches: (event: EngineEvent, origin: RecordOrigin, forwards: (id: string) => boolean) =>
      catalog
        .all()
        .filter((rule) => rule.groupBy === 'none' && forwards(rule.id))
        .map((rule) => ({ key: rule.id, value: origin.message.offset })),
    send: (messages: Message[]) => forwarding.send(messages),
  };
  const parts = {
    kafka: kafka.asKafka(),
    config,
    catalog: catalog as unknown as RuleCatalog,
    rebuilder: rebuilder as unknown as WindowRebuilder,
    transitions,
    publisher: publisher as unknown as NotificationPublisher,
    metrics,
    stallMonitor: { watch: () => undefined } as unknown as ConsumerStallMonitor,
  };
  const route = new EventsRoute(
    config,
    metrics,
    forwarder as unknown as MatchForwarder,
    new Logger('test'),
  );
  const service = new TopicEvaluation(parts, route);
  /** Starts the service and assigns it partition 0, rebuilt by `rebuildPlan`; the consumer. */
  const startAssigned = async (rebuildPlan: () => Promise<PartitionOffsets[]>) => {
    plans.push(rebuildPlan);
    await service.start();
    const consumer = kafka.latest;
    consumer.join({ [TOPIC]: [0] });
    await nextTicks();
    return consumer;
  };
  return {
    kafka,
    service,
    startAssigned,
    catalog,
    published,
    publishing,
    plans,
    logs,
    forwarded,
    forwarding,
  };
}

const plan =
  (committed: bigint, high: bigint, metadata: string | null = null) =>
  () =>
    Promise.resolve([{ partition: 0, committed, atLookback: 0n, high, metadata }]);

const opened = (published: LifecycleMessage[]) =>
  published.filter((m) => m.kind === 'incident.opened').map((m) => m.incident.ruleId);

describe('TopicEvaluation of events', () => {
  afterEach(() => jest.restoreAllMocks());

  it('rebuilds a fresh group from the look-back with notifications, then commits what is beyond the replay', async () => {
    const { service, startAssigned, published, logs } = setup();
    const consumer = await startAssigned(plan(-1n, 3n));
    expect(consumer.seeks).toEqual([{ topic: TOPIC, partition: 0, offset: '0' }]);
    expect(logs).toContain('partitions [0] assigned: rebuilding windows from the last 66 s');

    await consumer.deliver(TOPIC, 0, events(0, 3));
    expect(opened(published)).toEqual(['payments']);
    expect(logs.some((l) => l.startsWith('windows ready: rebuilt in'))).toBe(true);
    await consumer.deliver(TOPIC, 0, events(3, 1));
    await service.stop();
    // A new group commits its replay too: it was evaluated with notifications.
    expect(consumer.commits).toEqual([
      [{ topic: TOPIC, partition: 0, offset: '4', metadata: `rules@${FILE_POSITION}` }],
    ]);
  });

  it('replays silently below the commit for the rule versions the commit was made under', async () => {
    const { service, startAssigned, published } = setup();
    const consumer = await startAssigned(plan(3n, 3n, `rules@${FILE_POSITION}`));
    await consumer.deliver(TOPIC, 0, events(0, 3));
    expect(published).toEqual([]);
    await service.stop();
    // Nothing beyond the commit was evaluated: nothing new to commit.
    expect(consumer.commits).toEqual([]);
  });

  it('holds a batch until the rebuild plan is in, and leaves it when the plan moved the partition', async () => {
    const { kafka, service, published, plans } = setup();
    let release!: () => void;
    plans.push(
      () =>
        new Promise((resolve) => {
          release = () => void plan(-1n, 3n)().then(resolve);
        }),
    );
    await service.start();
    const consumer = kafka.latest;
    consumer.join({ [TOPIC]: [0] });
    const run = consumer.deliver(TOPIC, 0, events(0, 3));
    await nextTicks();
    expect(published).toEqual([]);
    release();
    const delivered = await run;
    // The plan sought the partition back to its look-back: this batch is fetched again from there.
    expect(delivered.resolved).toEqual([]);
    expect(published).toEqual([]);
    await service.stop();
  });

  it('commits a batch only once its incidents are published, waiting out a broker outage', async () => {
    const { service, startAssigned, published, publishing } = setup();
    const consumer = await startAssigned(plan(0n, 0n));
    publishing.failures = 1;
    const run = consumer.deliver(TOPIC, 0, events(0, 3));
    await nextTicks();
    expect(published).toEqual([]);
    await run;
    expect(opened(published)).toEqual(['payments']);
    await service.stop();
    expect(consumer.commits).toEqual([
      [{ topic: TOPIC, partition: 0, offset: '3', metadata: `rules@${FILE_POSITION}` }],
    ]);
  });

  it('catches a rule that starts over up on what the partition had evaluated without it', async () => {
    const { service, startAssigned, catalog, published, plans, logs } = setup();
    const consumer = await startAssigned(plan(0n, 0n));
    await consumer.deliver(TOPIC, 0, events(0, 3));
    expect(opened(published)).toEqual(['payments']);

    plans.push(plan(0n, 3n));
    catalog.set(makeRule({ id: 'late' }), 7);
    await nextTicks();
    expect(logs).toContain('rule late catching up on partitions [0]');
    expect(consumer.seeks[consumer.seeks.length - 1]).toEqual({
      topic: TOPIC,
      partition: 0,
      offset: '0',
    });
    await consumer.deliver(TOPIC, 0, events(0, 3));
    // Only the catching-up rule saw the events again: one more incident, its own.
    expect(opened(published)).toEqual(['payments', 'late']);
    await service.stop();
  });

  it('forwards the matches of a rule not grouped by source, and commits once the broker has them', async () => {
    const { service, startAssigned, catalog, forwarded, forwarding } = setup();
    catalog.set(makeRule({ id: 'whole', groupBy: 'none' }), 4);
    const consumer = await startAssigned(plan(0n, 0n));
    forwarding.failures = 1;
    await consumer.deliver(TOPIC, 0, events(0, 3));
    expect(forwarded.map((m) => [m.key, m.value])).toEqual([
      ['whole', '0'],
      ['whole', '1'],
      ['whole', '2'],
    ]);
    await service.stop();
    expect(consumer.commits).toEqual([
      [{ topic: TOPIC, partition: 0, offset: '3', metadata: 'rules@4' }],
    ]);
  });

  it('forwards the look-back again for a forwarded rule that starts over, for that rule alone', async () => {
    const { service, startAssigned, catalog, forwarded, plans, logs } = setup();
    const consumer = await startAssigned(plan(0n, 0n));
    await consumer.deliver(TOPIC, 0, events(0, 2));
    expect(forwarded).toEqual([]);

    plans.push(plan(0n, 2n));
    catalog.set(makeRule({ id: 'whole', groupBy: 'none' }), 7);
    await nextTicks();
    expect(logs).toContain('rule whole catching up on partitions [0]');
    await consumer.deliver(TOPIC, 0, events(0, 3));
    expect(forwarded.map((m) => [m.key, m.value])).toEqual([
      ['whole', '0'],
      ['whole', '1'],
      ['whole', '2'],
    ]);
    await service.stop();
  });
});
