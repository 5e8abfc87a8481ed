/**
 * The valid events of the comparison's message set: several types, sources and severities,
 * values whose aggregates mean something, and every shape the decoder accepts (version 1 with
 * and without each optional field, times written several ways, the legacy shape).
 */
import type { Severity } from '@app/contracts';
import { SeededRandom } from './seeded-random';

/** An event as its producer sends it: a JSON object and the Kafka key it is sent under. */
export interface EventBody {
  body: Record<string, unknown>;
  key: string | null;
  /** The Kafka timestamp (epoch ms); the event's time when it has no occurredAt. */
  timestamp: number;
  /** Set on bodies whose id is stored as sent (a conflict or redelivery can reuse it). */
  id?: string;
}

interface TypeProfile {
  type: string;
  weight: number;
  severities: readonly (readonly [Severity, number])[];
  sources: (random: SeededRandom) => string;
  /**
   * Values are whole multiples of 1/64 well below 2^40: every sum of them is exact in a double
   * whatever the order, so rollups summed in different batches by the two builds must agree
   * to the last bit (values that are not exact sums are in edgeEvents, one per rollup row).
   */
  value: (random: SeededRandom) => number | undefined;
  payload: (random: SeededRandom) => Record<string, unknown> | string | undefined;
}

/** Many clients, a few of them busy: 200 names, the first ones far more frequent. */
const client = (random: SeededRandom) => `client-${1 + Math.floor(200 * random.next() ** 3)}`;
const host = (random: SeededRandom) => `host-${String(random.int(1, 12)).padStart(2, '0')}`;
const service = (random: SeededRandom) =>
  random.weighted([
    ['svc-checkout', 5],
    ['svc-search', 3],
    ['svc-auth', 2],
  ] as const);

/** Sources an URL must encode: spaces, slashes, percent signs, query characters, non-ASCII. */
export const AWKWARD_SOURCES = [
  'Zürich edge',
  'rack 7/slot 3',
  'percent%20literal',
  'query?x=1&y=2',
  'emoji 🚀 source',
  `quote's "source"`,
] as const;

const money = (random: SeededRandom) => random.int(1, 4 * 5000) / 4;

export const TYPE_PROFILES: readonly TypeProfile[] = [
  {
    type: 'payment.exception',
    weight: 18,
    severities: [
      ['low', 2],
      ['medium', 4],
      ['high', 5],
      ['critical', 2],
    ],
    sources: client,
    value: money,
    payload: (random) => ({
      orderId: `o-${random.int(1, 999_999)}`,
      currency: random.pick(['EUR', 'USD', 'GBP']),
      retry: random.int(0, 3),
      gateway: { name: random.pick(['acme', 'paycorp']), code: random.pick([402, 409, 500]) },
    }),
  },
  {
    type: 'login.failed',
    weight: 25,
    severities: [
      ['low', 6],
      ['medium', 3],
      ['high', 1],
    ],
    sources: client,
    value: () => undefined,
    payload: (random) => `user ${random.int(1, 5000)} from 203.0.113.${random.int(1, 254)}`,
  },
  {
    type: 'host.cpu:usage',
    weight: 20,
    severities: [
      ['low', 8],
      ['medium', 2],
      ['high', 1],
      ['critical', 0.3],
    ],
    sources: host,
    value: (random) => random.int(0, 100 * 64) / 64,
    payload: (random) => ({ core: random.int(0, 7) }),
  },
  {
    type: 'host.memory',
    weight: 12,
    severities: [
      ['low', 9],
      ['high', 1],
    ],
    sources: host,
    value: (random) => random.int(128, 32_000),
    payload: () => undefined,
  },
  {
    type: 'order.created',
    weight: 15,
    severities: [['low', 1]],
    sources: client,
    value: money,
    payload: (random) => ({
      customer: { id: random.int(1, 20_000), tier: random.pick(['free', 'pro', 'enterprise']) },
      items: Array.from({ length: random.int(1, 4) }, () => ({
        sku: `sku-${random.int(1, 500)}`,
        qty: random.int(1, 5),
      })),
      note: random.chance(0.1) ? 'gift — “wrapped” ✓' : null,
    }),
  },
  {
    type: 'api/latency',
    weight: 9,
    severities: [
      ['low', 7],
      ['medium', 2],
      ['high', 1],
    ],
    sources: service,
    value: (random) => random.int(1, 64 * 1000) / 64,
    payload: (random) => ({ route: random.pick(['/cart', '/search', '/login']), status: 200 }),
  },
  {
    type: 'audit.user-change',
    weight: 1,
    severities: [['medium', 1]],
    sources: () => 'admin-console',
    value: () => undefined,
    payload: (random) => ({ actor: `admin-${random.int(1, 4)}`, field: 'role' }),
  },
];

export const TYPES = TYPE_PROFILES.map((profile) => profile.type);
const BY_WEIGHT = TYPE_PROFILES.map((profile) => [profile, profile.weight] as const);

/** occurredAt as a producer may write it; all but the first are not toISOString's text. */
function timeText(random: SeededRandom, at: number): { text: string; at: number } {
  const iso = new Date(at).toISOString();
  const form = random.weighted([
    ['canonical', 93],
    ['offset', 1.5],
    ['seconds', 1.5],
    ['minutes', 0.5],
    ['micros', 1],
    ['lowercase', 0.5],
    ['tenths', 1],
  ] as const);
  switch (form) {
    case 'canonical':
      return { text: iso, at };
    case 'offset': {
      // The same instant two hours east of UTC.
      const shifted = new Date(at + 2 * 3_600_000).toISOString();
      return { text: `${shifted.slice(0, 23)}+02:00`, at };
    }
    case 'seconds':
      return { text: `${iso.slice(0, 19)}Z`, at: at - (at % 1000) };
    case 'minutes':
      return { text: `${iso.slice(0, 16)}Z`, at: at - (at % 60_000) };
    case 'micros':
      return { text: `${iso.slice(0, 23)}${random.int(100, 999)}Z`, at };
    case 'lowercase':
      return { text: `${iso.slice(0, 23)}z`, at };
    case 'tenths':
      return { text: `${iso.slice(0, 20)}${iso[20]}Z`, at: at - (at % 100) };
  }
}

/**
 * One version-1 event at `at` (epoch ms), its optional fields present or absent as producers
 * send them. The id, when there is one, is stored as sent (lower-cased).
 */
export function versionOneEvent(random: SeededRandom, at: number): EventBody {
  const profile = random.weighted(BY_WEIGHT);
  const source = random.chance(0.01)
    ? random.pick(AWKWARD_SOURCES)
    : // Sources seen once or twice in the whole set.
      random.chance(0.0005)
      ? `rare-${random.int(1, 60)}`
      : profile.sources(random);
  const body: Record<string, unknown> = {};
  let id: string | undefined;
  const idForm = random.weighted([
    ['lower', 88],
    ['upper', 1],
    ['none', 11],
  ] as const);
  if (idForm !== 'none') {
    id = random.uuid();
    body.id = idForm === 'upper' ? id.toUpperCase() : id;
  }
  if (random.chance(0.05)) body.version = 1;
  body.type = profile.type;
  // Mostly the key is the source; some producers key by something else, some send no source.
  const sourceForm = random.weighted([
    ['field and key', 95],
    ['other key', 1.5],
    ['key only', 2.5],
    ['neither', 1],
  ] as const);
  let key: string | null = source;
  if (sourceForm === 'field and key' || sourceForm === 'other key') body.source = source;
  if (sourceForm === 'other key') key = `route-${random.int(1, 3)}`;
  if (sourceForm === 'neither') key = null;
  if (random.chance(0.97)) body.severity = random.weighted(profile.severities);
  let timestamp = at;
  if (random.chance(0.97)) {
    const time = timeText(random, at);
    body.occurredAt = time.text;
    // Producers stamp the message a little after the event happened.
    timestamp = time.at + random.int(0, 3000);
  }
  const value = profile.value(random);
  if (value !== undefined) body.value = random.chance(0.02) ? null : value;
  const payload = profile.payload(random);
  if (payload !== undefined) body.payload = random.chance(0.02) ? null : payload;
  return { body, key, timestamp, id };
}

/** The minimal legacy shape: a type and a payload; id, source and time come from Kafka. */
export function legacyEvent(random: SeededRandom, at: number): EventBody {
  const type = random.pick(['login.failed', 'payment.exception', 'legacy.batch-job']);
  const body: Record<string, unknown> = { event_type: type };
  const payload = random.weighted([
    ['text', 6],
    ['object', 2],
    ['null', 1],
    ['absent', 1],
  ] as const);
  if (payload === 'text') body.event_payload = `legacy ${type} #${random.int(1, 9999)}`;
  if (payload === 'object') body.event_payload = { job: random.int(1, 40), ok: random.chance(0.5) };
  if (payload === 'null') body.event_payload = null;
  return { body, key: random.chance(0.7) ? client(random) : null, timestamp: at };
}
