import { KafkaMessage } from 'kafkajs';
import { DeadLetterHeader, DeadLetterSource } from '@app/contracts';
import { MessageDecoding } from '../pipelines/batch-pipeline';
import { decodeBatch } from './batch-decoder';

function kafkaMessage(offset: number, value: string): KafkaMessage {
  return {
    offset: String(offset),
    key: Buffer.from('k'),
    value: Buffer.from(value),
    timestamp: '1',
    attributes: 0,
    headers: {},
  };
}

/** Decodes "good" to a row, "bad" to reasons, and throws on anything else. */
const pipeline = {
  decode(message: DeadLetterSource): MessageDecoding<string> {
    const text = message.value!.toString();
    if (text === 'good') return { ok: true, row: `row ${message.offset}` };
    if (text === 'bad') return { ok: false, reasons: ['bad'] };
    throw new RangeError('Maximum call stack size exceeded');
  },
};

describe('decodeBatch', () => {
  it('dead-letters a message whose decoding throws, at stage decode with the error, and goes on', () => {
    const messages = ['good', 'poison', 'bad', 'good'].map((v, i) => kafkaMessage(i, v));
    const decoded = decodeBatch('events', 2, messages, pipeline, 'consumer/test');

    expect(decoded.accepted.map((a) => a.row)).toEqual(['row 0', 'row 3']);
    expect(decoded.undecodable).toBe(1);
    const [poison, bad] = decoded.rejected;
    expect(poison.value?.toString()).toBe('poison');
    expect(poison.headers[DeadLetterHeader.Stage]).toBe('decode');
    expect(poison.headers[DeadLetterHeader.Reason]).toBe(
      'RangeError: Maximum call stack size exceeded',
    );
    expect(poison.headers[DeadLetterHeader.OriginalOffset]).toBe('1');
    expect(bad.headers[DeadLetterHeader.Stage]).toBe('validation');
  });

  it('gives an accepted message its source back, for a dead letter if the database refuses it', () => {
    const message = kafkaMessage(7, 'good');
    message.headers = { trace: Buffer.from('t-1') };
    const [accepted] = decodeBatch('events', 2, [message], pipeline, 'consumer/test').accepted;

    expect(accepted.row).toBe('row 7');
    expect(accepted.original).toEqual({
      topic: 'events',
      partition: 2,
      offset: '7',
      timestamp: '1',
      key: Buffer.from('k'),
      value: Buffer.from('good'),
      headers: { trace: Buffer.from('t-1') },
    });
  });
});
