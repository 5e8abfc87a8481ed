/**
 * Valid events at the edges of what the write path stores: numbers near the limits of a
 * double, payloads with escapes, non-ASCII text, deep nesting and a size near the cap, times
 * on bucket boundaries. The rework builds the statement's parameters itself (text and jsonb in
 * binary, numbers and times as literals), so these are where it could store something else.
 */
import { EventBody } from './event-bodies';
import { SeededRandom } from './seeded-random';

const MINUTE_MS = 60_000;

/**
 * Values as JSON number texts a double holds but no sum of others reproduces exactly, written
 * as producers may write them: each is the only value of its rollup row (a source and a minute
 * of its own), so its sum is itself in both builds.
 */
const EDGE_VALUES = [
  '0',
  '-0.0',
  '0.1',
  '0.3333333333333333',
  '-2.5e-7',
  '1e21',
  '1E3',
  '123456789.123456789',
  '9007199254740993',
  '1.7976931348623157e308',
  '-1.7976931348623157e308',
  '5e-324',
  '-5e-324',
  '2.2250738585072014e-308',
  '1e-400',
] as const;

const nested = (depth: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { level: i, next: value };
  return value;
};

/** Payloads whose JSON or jsonb text is easy to get wrong; `raw` ones are written by hand. */
const EDGE_PAYLOADS: readonly { payload?: unknown; raw?: string }[] = [
  { payload: {} },
  { payload: '' },
  { payload: 'quotes " and backslashes \\ and a tab \t and a newline \n' },
  { payload: { 'key with "quotes"': 'v', ключ: 'значение', '': 'empty key' } },
  { payload: { emoji: '😀🚀', cjk: '漢字', rtl: 'שלום', combining: 'e\u0301' } },
  { payload: { lineSeparators: 'a\u2028b\u2029c', del: '\u007f' } },
  { payload: { numbers: [0, -1, 1.5, 1e-7, 1e21, 123456789012345680000, -0] } },
  { payload: { nulls: [null, { a: null }], bools: [true, false] } },
  { payload: nested(30) },
  { payload: { blob: 'x'.repeat(60 * 1024) } },
  { raw: '{"escaped":"\\u00e9\\ud83d\\ude00\\u2028","slash":"\\/"}' },
  { raw: '{"b":2,"a":1,"a2":{"z":1,"y":[3,2,1]}}' },
  { raw: '{"dup":1,"dup":2}' },
  { raw: '{"big":1e400,"small":1e-400}' },
  { raw: '"a string payload with \\"escapes\\" and \\u00fc"' },
];

/**
 * The edge events, from `start` on, one minute apart, each under a source of its own; the
 * returned bodies carry JSON text where `raw` is set (see EdgeBody).
 */
export function edgeEvents(random: SeededRandom, start: number): EdgeBody[] {
  let minute = 0;
  /** An event of its own source and minute, with one more field: as a value, or as JSON text. */
  const edge = (
    type: string,
    severity: string,
    field: string,
    value: { json?: string; value?: unknown },
  ) => {
    const at = start + minute * MINUTE_MS + random.int(0, 59_999);
    const id = random.uuid();
    const source = `${type.replace('.', '-')}-${minute++}`;
    const head = { id, type, source, severity, occurredAt: new Date(at).toISOString() };
    return value.json === undefined
      ? { body: { ...head, [field]: value.value }, key: source, timestamp: at, id }
      : { body: head, rawJson: withRaw(head, field, value.json), key: source, timestamp: at, id };
  };
  return [
    ...EDGE_VALUES.map((json) => edge('edge.value', 'medium', 'value', { json })),
    ...EDGE_PAYLOADS.map(({ payload, raw }) =>
      edge('edge.payload', 'low', 'payload', { json: raw, value: payload }),
    ),
  ];
}

/** Times exactly on and just before bucket boundaries, where [from, to) ranges cut. */
export function boundaryEvents(random: SeededRandom, boundaries: readonly number[]): EventBody[] {
  const events: EventBody[] = [];
  for (const boundary of boundaries) {
    for (const offset of [-1, 0, 1, 59_999]) {
      const at = boundary + offset;
      const id = random.uuid();
      const source = `boundary-${random.int(1, 3)}`;
      events.push({
        body: {
          id,
          type: 'boundary.tick',
          source,
          severity: random.pick(['low', 'high'] as const),
          occurredAt: new Date(at).toISOString(),
          value: offset === 0 ? 1 : 0.5,
        },
        key: source,
        timestamp: at,
        id,
      });
    }
  }
  return events;
}

/** The JSON of `head` and one more field written as given: JSON.stringify would normalise it. */
const withRaw = (head: Record<string, unknown>, field: string, raw: string) =>
  `${JSON.stringify(head).slice(0, -1)},"${field}":${raw}}`;

/** An event body whose JSON text is given rather than made by JSON.stringify. */
export interface EdgeBody extends EventBody {
  rawJson?: string;
}
