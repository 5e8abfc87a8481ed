import { buildDeadLetter, DeadLetterHeader, DeadLetterStage } from '@app/contracts';
import { fitDeadLetter, sizeOf } from './dead-letter-fit';

const source = {
  topic: 'events',
  partition: 1,
  offset: '9',
  timestamp: '1',
  key: Buffer.from('client-1'),
  value: Buffer.alloc(50_000, 'x'),
  headers: { 'x-trace': 'abc' },
};

describe('fitDeadLetter', () => {
  it('truncates the value to fit and says so, keeping key and headers', () => {
    const record = buildDeadLetter(source, ['too big'], DeadLetterStage.Validation, 'consumer/g');
    const fitted = fitDeadLetter(record, 10_000);
    expect(sizeOf(fitted)).toBeLessThanOrEqual(10_000);
    expect(fitted.value!.length).toBeGreaterThan(9_000);
    expect(source.value.subarray(0, fitted.value!.length).equals(fitted.value!)).toBe(true);
    expect(fitted.key).toEqual(source.key);
    expect(fitted.headers[DeadLetterHeader.Truncated]).toBe('true');
    expect(fitted.headers[DeadLetterHeader.OriginalSize]).toBe('50000');
    expect(fitted.headers['x-trace']).toBe('abc');
    expect(fitted.headers[DeadLetterHeader.Reason]).toBe('too big');
  });

  it("drops the producer's headers, then shortens the reasons, when the headers alone do not fit", () => {
    const bulky = { ...source, headers: { 'x-big': 'h'.repeat(5_000) } };
    const reasons = ['r'.repeat(4_000)];
    const record = buildDeadLetter(bulky, reasons, DeadLetterStage.Decode, 'consumer/g');
    const withoutProducerHeaders = fitDeadLetter(record, 10_000);
    expect(withoutProducerHeaders.headers['x-big']).toBeUndefined();
    expect(withoutProducerHeaders.headers[DeadLetterHeader.Reason]).toBe(reasons[0]);
    const shortReasons = fitDeadLetter(record, 3_000);
    expect(sizeOf(shortReasons)).toBeLessThanOrEqual(3_000);
    expect(shortReasons.headers[DeadLetterHeader.Reason]).toBe('r'.repeat(1_000));
    expect(shortReasons.headers[DeadLetterHeader.Stage]).toBe('decode');
  });
});
