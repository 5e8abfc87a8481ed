import { lifecycle, sampleIncident } from '../../../test/support/incidents';
import { decodeDeliveryRecord, decodeLifecycleMessage } from './notification-decoder';
import { DeliveryRecord, Incident } from './incident';

const record: DeliveryRecord = {
  id: '1b2c3d4e-5f60-4718-8a9b-0c1d2e3f4a5b',
  incidentId: '6f1c2b9e-3d4a-5b6c-8d7e-9f0a1b2c3d4e',
  ruleId: 'payments-per-client',
  kind: 'incident.opened',
  channelType: 'webhook',
  channelIndex: 0,
  target: 'hooks.example.com',
  attempt: 1,
  maxAttempts: 5,
  outcome: 'retrying',
  statusCode: 503,
  error: 'HTTP 503',
  durationMs: 12.5,
  idempotencyKey: '6f1c2b9e-3d4a-5b6c-8d7e-9f0a1b2c3d4e:incident.opened:0',
  at: '2026-11-23T10:01:00.100Z',
};

describe('decodeLifecycleMessage', () => {
  it('round-trips a lifecycle message', () => {
    const message = lifecycle('incident.opened', sampleIncident());
    expect(decodeLifecycleMessage(Buffer.from(JSON.stringify(message)))).toEqual({
      ok: true,
      value: message,
    });
  });

  it('names every bad incident field and checks the channels like a rule does', () => {
    const message = lifecycle(
      'incident.opened',
      sampleIncident({
        id: 'nope',
        status: 'closed' as never,
        windowEnd: 'yesterday',
        eventIds: ['x'],
        channels: [{ type: 'webhook', url: 'gopher://x' }],
      }),
    );
    const result = decodeLifecycleMessage(JSON.stringify({ ...message, kind: 'incident.updated' }));
    const reasons = result.ok ? '' : result.reasons.join('\n');
    for (const expected of [
      '"kind" must be one of',
      '"incident.id" must be a UUID',
      '"incident.status" must be one of',
      '"incident.windowEnd" must be an ISO-8601 date-time',
      '"incident.eventIds[0]"',
      'incident: "channels[0].url" must use http or https',
    ]) {
      expect(reasons).toContain(expected);
    }
  });

  it('requires the whole incident, not just an id', () => {
    const result = decodeLifecycleMessage(
      JSON.stringify({
        kind: 'incident.acknowledged',
        at: '2026-11-23T10:02:00Z',
        actor: 'alice',
        incident: { id: record.incidentId },
      }),
    );
    expect(result.ok).toBe(false);
    expect(result.ok ? [] : result.reasons).toContain(
      '"incident.ruleId" must be a string, got undefined',
    );
  });
});

describe('decodeDeliveryRecord', () => {
  it('round-trips a delivery record', () => {
    expect(decodeDeliveryRecord(JSON.stringify(record))).toEqual({ ok: true, value: record });
  });

  it('lists every bad field', () => {
    const result = decodeDeliveryRecord(
      JSON.stringify({ ...record, outcome: 'lost', attempt: 0, channelType: 'pigeon', extra: 1 }),
    );
    const reasons = result.ok ? '' : result.reasons.join('\n');
    expect(reasons).toContain('unknown field "extra"');
    expect(reasons).toContain('"outcome" must be one of delivered, retrying, failed');
    expect(reasons).toContain('"attempt" must be between 1 and 100');
    expect(reasons).toContain('"channelType" must be one of');
  });
});

describe('decodeLifecycleMessage consistency', () => {
  it('refuses a kind that contradicts the incident status, and an incident without channels', () => {
    const contradiction = decodeLifecycleMessage(
      JSON.stringify(lifecycle('incident.resolved', sampleIncident({ status: 'open' }))),
    );
    expect(contradiction).toEqual({
      ok: false,
      reasons: ['"kind" incident.resolved requires "incident.status" resolved, got open'],
    });
    const withoutChannels: Partial<Incident> = sampleIncident();
    delete withoutChannels.channels;
    const missing = decodeLifecycleMessage(
      JSON.stringify({
        ...lifecycle('incident.opened', sampleIncident()),
        incident: withoutChannels,
      }),
    );
    expect(missing).toEqual({
      ok: false,
      reasons: ['"incident.channels" must be an array, got undefined'],
    });
  });
});
