import { Registry } from 'prom-client';
import { RecordingLogger } from '../delivery/testing/recording-logger';
import { AlertingMetrics } from '../metrics/alerting.metrics';
import { decodeOrSkip, decodeValidOrSkip } from './decode-or-skip';

describe('decodeOrSkip', () => {
  const setup = () => {
    const registry = new Registry();
    const metrics = new AlertingMetrics(registry);
    const logger = new RecordingLogger();
    const skipped = { metrics, logger, reason: 'undecodable', what: 'event at offset 7' };
    const count = async () =>
      (await registry.getSingleMetric('eventmon_alerting_events_skipped_total')!.get()).values;
    return { skipped, logger, count };
  };

  it('turns a decoder that throws into a skip, counted and logged, instead of an exception', async () => {
    const { skipped, logger, count } = setup();
    const result = decodeOrSkip(() => {
      throw new RangeError('Maximum call stack size exceeded');
    }, skipped);
    expect(result).toBeUndefined();
    expect(await count()).toEqual([
      expect.objectContaining({ labels: { reason: 'undecodable' }, value: 1 }),
    ]);
    expect(logger.entries).toEqual([
      expect.objectContaining({
        level: 'warn',
        message:
          'event at offset 7 could not be decoded and is skipped: RangeError: Maximum call stack size exceeded',
      }),
    ]);
  });

  it("passes a decoder's answer through untouched", async () => {
    const { skipped, logger, count } = setup();
    const answer = { ok: false, reasons: ['bad'] };
    expect(decodeOrSkip(() => answer, skipped)).toBe(answer);
    expect(await count()).toEqual([]);
    expect(logger.entries).toEqual([]);
  });

  it('skips an invalid answer too, counted under its own reason, and passes a valid one through', async () => {
    const { skipped, logger, count } = setup();
    expect(decodeValidOrSkip(() => ({ ok: false, reasons: ['bad'] }), skipped, 'invalid')).toBe(
      undefined,
    );
    const valid = { ok: true, value: 7 };
    expect(decodeValidOrSkip(() => valid, skipped, 'invalid')).toBe(valid);
    expect(await count()).toEqual([
      expect.objectContaining({ labels: { reason: 'invalid' }, value: 1 }),
    ]);
    expect(logger.entries).toEqual([]);
  });
});
