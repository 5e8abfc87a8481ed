/** A message value the consumer must dead-letter, and the reason it must give. */
export interface BadEvent {
  value: Buffer | null;
  reason: RegExp;
}

/** Every kind of invalid event value, one of each, with the reason it is refused. */
export const BAD_EVENTS: BadEvent[] = [
  { value: Buffer.from('not json at all'), reason: /^message value is not valid JSON/ },
  { value: Buffer.from('[1,2,3]'), reason: /^message value is JSON an array/ },
  { value: Buffer.from('{"severity":"high"}'), reason: /^"type" is required$/ },
  {
    value: Buffer.from('{"type":42,"value":"high"}'),
    reason: /"type" must be a string.*; "value" must be a number/,
  },
  {
    value: Buffer.from(JSON.stringify({ type: 'a', payload: { blob: 'x'.repeat(70000) } })),
    reason: /"payload" is \d+ bytes as JSON, over the limit of 65536 bytes/,
  },
  { value: Buffer.from('{"type":"a\u0000b"}'), reason: /contains a NUL byte/ },
  { value: Buffer.from('{"type":"a","payload":"x\\u0000y"}'), reason: /NUL character/ },
  { value: Buffer.from(''), reason: /message value is empty/ },
  { value: null, reason: /message value is null/ },
  { value: Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x7d]), reason: /not valid UTF-8/ },
  { value: Buffer.from('{"type":"a","unexpected":1}'), reason: /unknown field "unexpected"/ },
];
