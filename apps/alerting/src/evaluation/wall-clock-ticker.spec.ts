import { Registry } from 'prom-client';
import { LifecycleMessage } from '@app/contracts';
import { Transition } from '@app/engine';
import { RecordingLogger } from '../delivery/testing/recording-logger';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { WallClockTicker, WallClockTickerParts } from './wall-clock-ticker';

/** An engine with `due` keys falling due at the tick, one transition each. */
class DueKeys {
  readonly chunks: number[] = [];
  /** The wall-clock time of each chunk. */
  readonly times: number[] = [];
  evicted = new Map<string, number>();
  constructor(public due: number) {}

  tick(now: number, maxKeys = Infinity): Transition[] {
    this.times.push(now);
    const n = Math.min(this.due, maxKeys);
    this.due -= n;
    this.chunks.push(n);
    return Array.from({ length: n }, (_, i) => ({ ruleId: `key-${i}` }) as Transition);
  }
  hasDueKeys(): boolean {
    return this.due > 0;
  }
  takeEvictedKeys(): Map<string, number> {
    const evicted = this.evicted;
    this.evicted = new Map();
    return evicted;
  }
}

function setup(engine: DueKeys) {
  const registry = new Registry();
  const published: LifecycleMessage[][] = [];
  const sweeps: Array<[number, number]> = [];
  const state = { engine, mayTick: true };
  const parts: WallClockTickerParts = {
    engine: () => state.engine,
    mayTick: () => state.mayTick,
    transitions: {
      // One message per transition: what the tick decided is what is published.
      handle: (transitions) => transitions.map(() => ({}) as LifecycleMessage),
      forgetStaleIncidents: (now, replayMs) => (sweeps.push([now, replayMs]), 0),
    },
    publish: (messages) => (published.push(messages), Promise.resolve()),
    lookbackMs: () => 90_000,
    metrics: new AlertingMetrics(registry),
    logger: new RecordingLogger(),
  };
  return { ticker: new WallClockTicker(parts, 100), state, published, sweeps, registry };
}

describe('WallClockTicker', () => {
  it('evaluates the due keys in chunks and publishes what each chunk decided', async () => {
    const engine = new DueKeys(250);
    engine.evicted.set('storm', 3);
    const { ticker, published, registry } = setup(engine);
    await ticker.tick(1_000);
    expect(engine.chunks).toEqual([100, 100, 50]);
    expect(published.map((m) => m.length)).toEqual([100, 100, 50]);
    const evicted = await registry.getSingleMetric('eventmon_alerting_keys_evicted_total')!.get();
    expect(evicted.values.map((v) => [v.labels.rule, v.value])).toEqual([['storm', 3]]);
  });

  it('stops between chunks once a rebuild replaced the engine or evaluation may not tick', async () => {
    const engine = new DueKeys(1000);
    const { ticker, state } = setup(engine);
    const tick = ticker.tick(1_000);
    state.engine = new DueKeys(0);
    await tick;
    expect(engine.chunks).toEqual([100]);

    const other = new DueKeys(1000);
    state.engine = other;
    const next = ticker.tick(2_000);
    state.mayTick = false;
    await next;
    expect(other.chunks).toEqual([100]);
  });

  it('never ticks while it may not, nor over a tick still running', async () => {
    const engine = new DueKeys(300);
    const { ticker, state } = setup(engine);
    state.mayTick = false;
    await ticker.tick(1_000);
    expect(engine.chunks).toEqual([]);

    state.mayTick = true;
    const first = ticker.tick(2_000);
    await ticker.tick(3_000);
    await first;
    expect(engine.times).toEqual([2_000, 2_000, 2_000]);
  });

  it('drops stale resolved incidents at most once a minute, keeping the look-back', async () => {
    const { ticker, sweeps } = setup(new DueKeys(0));
    await ticker.tick(60_000);
    await ticker.tick(119_999);
    await ticker.tick(120_000);
    expect(sweeps).toEqual([
      [60_000, 90_000],
      [120_000, 90_000],
    ]);
  });
});
