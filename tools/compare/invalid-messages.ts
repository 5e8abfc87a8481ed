/**
 * Messages the consumer must dead-letter, one of every kind the event decoder rejects
 * (libs/contracts/src/event-decoder.ts): the comparison checks both builds reject the same
 * messages for the same reasons.
 */
export interface InvalidMessage {
  label: string;
  key: string | null;
  value: Buffer | null;
}

const text = (value: string) => Buffer.from(value, 'utf8');
const json = (value: unknown) => text(JSON.stringify(value));

const nested = (depth: number): unknown => {
  let value: unknown = { leaf: true };
  for (let i = 0; i < depth; i++) value = { inner: value };
  return value;
};

/** Every rejection reason of the decoder, with the key the message would carry. */
export function invalidMessages(): InvalidMessage[] {
  const at = '2026-01-31T12:00:00.000Z';
  return [
    { label: 'tombstone', key: 'client-1', value: null },
    { label: 'empty value', key: 'client-1', value: Buffer.alloc(0) },
    { label: 'not JSON', key: 'client-2', value: text('{"type": "payment.exception",') },
    { label: 'plain text', key: 'client-2', value: text('payment failed for order 42') },
    { label: 'JSON array', key: 'client-3', value: json([{ type: 'payment.exception' }]) },
    { label: 'JSON number', key: 'client-3', value: text('42') },
    { label: 'JSON string', key: 'client-3', value: json('payment.exception') },
    { label: 'JSON null', key: null, value: text('null') },
    { label: 'invalid UTF-8', key: 'client-4', value: Buffer.from([0x7b, 0x22, 0xff, 0xfe]) },
    { label: 'raw NUL byte', key: 'client-4', value: text('{"type":"a.b"}\u0000') },
    {
      label: 'nested too deep',
      key: 'client-5',
      value: json({ type: 'deep.payload', payload: nested(40) }),
    },
    { label: 'type missing', key: 'client-5', value: json({ source: 'client-5' }) },
    { label: 'type a number', key: 'client-6', value: json({ type: 5 }) },
    { label: 'type empty', key: 'client-6', value: json({ type: '' }) },
    { label: 'type with spaces', key: 'client-6', value: json({ type: 'payment exception!' }) },
    { label: 'type too long', key: 'client-6', value: json({ type: `t${'x'.repeat(128)}` }) },
    {
      label: 'unknown fields',
      key: 'client-7',
      value: json({ type: 'payment.exception', user: 'u1', amount: 3 }),
    },
    {
      label: 'eleven unknown fields',
      key: 'client-7',
      value: json({
        type: 'payment.exception',
        ...Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`extra${i}`, i])),
      }),
    },
    {
      label: 'severity unknown',
      key: 'client-8',
      value: json({ type: 'login.failed', severity: 'urgent' }),
    },
    {
      label: 'severity a number',
      key: 'client-8',
      value: json({ type: 'login.failed', severity: 3 }),
    },
    {
      label: 'occurredAt without zone',
      key: 'client-9',
      value: json({ type: 'login.failed', occurredAt: '2026-01-31T12:00:00' }),
    },
    {
      label: 'occurredAt not a date',
      key: 'client-9',
      value: json({ type: 'login.failed', occurredAt: '2026-02-31T12:00:00Z' }),
    },
    {
      label: 'occurredAt before 1970',
      key: 'client-9',
      value: json({ type: 'login.failed', occurredAt: '1969-12-31T23:59:59Z' }),
    },
    {
      label: 'occurredAt a number',
      key: 'client-9',
      value: json({ type: 'login.failed', occurredAt: 1767225600000 }),
    },
    {
      label: 'value a string',
      key: 'client-10',
      value: json({ type: 'host.memory', value: '12' }),
    },
    { label: 'value a bool', key: 'client-10', value: json({ type: 'host.memory', value: true }) },
    {
      label: 'value beyond a double',
      key: 'client-10',
      value: text('{"type":"host.memory","value":1e400}'),
    },
    { label: 'payload a number', key: 'client-11', value: json({ type: 'a.b', payload: 5 }) },
    { label: 'payload an array', key: 'client-11', value: json({ type: 'a.b', payload: [1, 2] }) },
    {
      label: 'payload too large',
      key: 'client-11',
      value: json({ type: 'a.b', occurredAt: at, payload: { blob: 'p'.repeat(70 * 1024) } }),
    },
    {
      label: 'message too large',
      key: 'client-12',
      value: json({ type: 'a.b', payload: 'm'.repeat(300 * 1024) }),
    },
    { label: 'id not a UUID', key: 'client-12', value: json({ type: 'a.b', id: 'order-42' }) },
    { label: 'id a number', key: 'client-12', value: json({ type: 'a.b', id: 42 }) },
    { label: 'version 2', key: 'client-13', value: json({ type: 'a.b', version: 2 }) },
    { label: 'source a number', key: 'client-13', value: json({ type: 'a.b', source: 13 }) },
    {
      label: 'source with a control character',
      key: 'client-13',
      value: json({ type: 'a.b', source: 'client\u0007bell' }),
    },
    {
      label: 'source too long',
      key: 'client-13',
      value: json({ type: 'a.b', source: 's'.repeat(129) }),
    },
    {
      label: 'NUL escape in the payload',
      key: 'client-14',
      value: text('{"type":"a.b","payload":{"note":"nul \\u0000 here"}}'),
    },
    {
      label: 'lone surrogate in the payload',
      key: 'client-14',
      value: text('{"type":"a.b","payload":"half \\ud800 a pair"}'),
    },
    {
      label: 'lone surrogate in a payload key',
      key: 'client-14',
      value: text('{"type":"a.b","payload":{"\\udc00":1}}'),
    },
    {
      label: 'several reasons at once',
      key: 'client-15',
      value: json({ type: 7, severity: 'x', value: 'y', occurredAt: 'z', extra: 1 }),
    },
    {
      label: 'legacy with an unknown field',
      key: 'client-16',
      value: json({ event_type: 'login.failed', event_payload: 'u', extra: 1 }),
    },
    {
      label: 'legacy type invalid',
      key: 'client-16',
      value: json({ event_type: 'login failed', event_payload: 'u' }),
    },
    {
      label: 'legacy payload a number',
      key: 'client-16',
      value: json({ event_type: 'login.failed', event_payload: 7 }),
    },
    {
      label: 'payload without a type (not legacy)',
      key: 'client-16',
      value: json({ event_payload: 'u' }),
    },
  ];
}
