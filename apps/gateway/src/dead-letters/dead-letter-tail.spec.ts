import { DeadLetterTail, toDeadLetter } from './dead-letter-tail';

const message = (offset: number, bytes: number) =>
  toDeadLetter(
    {
      offset: String(offset),
      key: Buffer.from('client-1'),
      value: Buffer.alloc(bytes, 'x'),
      timestamp: '0',
      attributes: 0,
      headers: {
        'dlq.reasons': JSON.stringify(['"type" is required', 'bad severity']),
        'dlq.stage': 'validation',
      },
    },
    0,
  );

describe('DeadLetterTail', () => {
  it('reads the reasons and provenance from the DLQ headers', () => {
    expect(message(7, 3)).toMatchObject({
      id: '0-7',
      reasons: ['"type" is required', 'bad severity'],
      stage: 'validation',
      key: 'client-1',
    });
  });

  it('keeps the newest records within its count and byte bounds', () => {
    const tail = new DeadLetterTail(3, 100);
    for (let offset = 0; offset < 5; offset++) tail.add(message(offset, 10));
    expect(tail.newest(10).map((r) => r.id)).toEqual(['0-4', '0-3', '0-2']);
    tail.add(message(5, 90));
    expect(tail.newest(10).map((r) => r.id)).toEqual(['0-5', '0-4']);
    expect(tail.get('0-5')?.value?.length).toBe(90);
    expect(tail.get('0-1')).toBeUndefined();
  });
});
