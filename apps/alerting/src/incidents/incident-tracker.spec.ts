import { AlertRule, decodeLifecycleMessage, decodeRule } from '@app/contracts';
import { lifecycle } from '../../../../test/support/incidents';
import { Transition } from '@app/engine';
import { IncidentBook } from './incident-book';
import { incidentIdFor, IncidentTracker } from './incident-tracker';
import { OpeningLimiter } from './opening-limiter';

function rule(overrides: Partial<AlertRule> = {}): AlertRule {
  const decoded = decodeRule({
    id: 'errors',
    name: 'Errors per source',
    match: { types: ['app.error'] },
    window: { seconds: 60 },
    condition: { operator: '>=', threshold: 3 },
    severity: 'critical',
    cooldownSeconds: 120,
    channels: [{ type: 'console' }],
  });
  if (!decoded.ok) throw new Error(decoded.reasons.join('; '));
  return { ...decoded.rule, ...overrides };
}

const firing = (eventId: string, groupKey = 'api-1'): Transition => ({
  ruleId: 'errors',
  groupKey,
  firing: true,
  value: 3,
  windowStart: Date.parse('2026-11-23T10:00:00Z'),
  windowEnd: Date.parse('2026-11-23T10:01:00Z'),
  eventIds: [eventId, 'e2', 'e1'],
  cause: { kind: 'event', eventId },
});
const cleared = (groupKey = 'api-1'): Transition => ({
  ruleId: 'errors',
  groupKey,
  firing: false,
  value: 1,
  windowStart: 0,
  windowEnd: 0,
  eventIds: [],
  cause: { kind: 'tick' },
});
const at = (seconds: number) => new Date(Date.parse('2026-11-23T10:01:00Z') + seconds * 1000);

describe('IncidentTracker', () => {
  it('opens one incident per crossing with everything the contract asks for', () => {
    const tracker = new IncidentTracker(new IncidentBook());
    const decision = tracker.decide(rule(), firing('e3'), at(0));
    expect(decision.action).toBe('publish');
    const message = decision.action === 'publish' ? decision.message : undefined;
    expect(message).toEqual({
      kind: 'incident.opened',
      at: at(0).toISOString(),
      actor: 'alerting',
      incident: expect.objectContaining({
        id: incidentIdFor('errors', firing('e3')),
        ruleId: 'errors',
        ruleName: 'Errors per source',
        groupKey: 'api-1',
        severity: 'critical',
        status: 'open',
        value: 3,
        operator: '>=',
        threshold: 3,
        windowStart: '2026-11-23T10:00:00.000Z',
        windowEnd: '2026-11-23T10:01:00.000Z',
        openedAt: at(0).toISOString(),
        eventIds: ['e3', 'e2', 'e1'],
        channels: [{ type: 'console' }],
      }),
    });
  });

  it('derives the same incident id from the same crossing, and different ids otherwise', () => {
    expect(incidentIdFor('errors', firing('e3'))).toBe(incidentIdFor('errors', firing('e3')));
    expect(incidentIdFor('errors', firing('e4'))).not.toBe(incidentIdFor('errors', firing('e3')));
    expect(incidentIdFor('errors', firing('e3', 'api-2'))).not.toBe(
      incidentIdFor('errors', firing('e3')),
    );
  });

  it('opens no second incident while one is open, and none within the cooldown after it resolves', () => {
    const tracker = new IncidentTracker(new IncidentBook());
    expect(tracker.decide(rule(), firing('e3'), at(0)).action).toBe('publish');
    expect(tracker.decide(rule(), firing('e4'), at(5))).toEqual({
      action: 'suppressed',
      reason: 'already-open',
    });
    const resolution = tracker.decide(rule(), cleared(), at(10));
    expect(resolution.action === 'publish' && resolution.message.kind).toBe('incident.resolved');
    expect(resolution.action === 'publish' && resolution.message.incident.resolvedBy).toBe(
      'alerting',
    );
    expect(tracker.decide(rule(), firing('e5'), at(10 + 119))).toEqual({
      action: 'suppressed',
      reason: 'cooldown',
    });
    expect(tracker.decide(rule(), firing('e6'), at(10 + 120)).action).toBe('publish');
    // Other keys are independent.
    expect(tracker.decide(rule(), firing('e7', 'api-2'), at(11)).action).toBe('publish');
  });

  it('leaves the incident open when the rule does not auto-resolve', () => {
    const tracker = new IncidentTracker(new IncidentBook());
    tracker.decide(rule({ autoResolve: false }), firing('e3'), at(0));
    expect(tracker.decide(rule({ autoResolve: false }), cleared(), at(1))).toEqual({
      action: 'suppressed',
      reason: 'not-auto-resolved',
    });
  });

  it('honours an acknowledgement and a manual resolution from the gateway', () => {
    const book = new IncidentBook();
    const tracker = new IncidentTracker(book);
    const opened = tracker.decide(rule(), firing('e3'), at(0));
    if (opened.action !== 'publish') throw new Error('expected an incident');
    const incident = opened.message.incident;
    book.apply(
      lifecycle(
        'incident.acknowledged',
        {
          ...incident,
          status: 'acknowledged',
          acknowledgedAt: at(1).toISOString(),
          acknowledgedBy: 'alice',
        },
        at(1).toISOString(),
        'alice',
      ),
    );
    expect(tracker.decide(rule(), firing('e4'), at(2))).toEqual({
      action: 'suppressed',
      reason: 'already-open',
    });
    book.apply(
      lifecycle(
        'incident.resolved',
        { ...incident, status: 'resolved', resolvedAt: at(3).toISOString(), resolvedBy: 'alice' },
        at(3).toISOString(),
        'alice',
      ),
    );
    // Resolved by hand: nothing left to auto-resolve, and the cooldown runs from the resolution.
    expect(tracker.decide(rule(), cleared(), at(4))).toEqual({
      action: 'suppressed',
      reason: 'nothing-open',
    });
    expect(tracker.decide(rule(), firing('e5'), at(60)).action).toBe('suppressed');
    expect(tracker.decide(rule(), firing('e6'), at(124)).action).toBe('publish');
  });

  it('does not open again an incident that a replay of the same crossing derives, even resolved', () => {
    const tracker = new IncidentTracker(new IncidentBook());
    const noCooldown = rule({ cooldownSeconds: 0 });
    expect(tracker.decide(noCooldown, firing('e3'), at(0)).action).toBe('publish');
    expect(tracker.decide(noCooldown, cleared(), at(1)).action).toBe('publish');
    // A restarted replica evaluates the same events: same crossing, same id.
    expect(tracker.decide(noCooldown, firing('e3'), at(2))).toEqual({
      action: 'suppressed',
      reason: 'replayed',
    });
    // A new crossing (another event) opens a new incident.
    expect(tracker.decide(noCooldown, firing('e4'), at(3)).action).toBe('publish');
  });

  it('opens at most the limit of incidents per rule and minute, with one notice when it trips', () => {
    const book = new IncidentBook();
    const tracker = new IncidentTracker(book, new OpeningLimiter(2));
    const decide = (key: string, seconds: number, r = rule()) =>
      tracker.decide(r, firing(`e-${key}`, key), at(seconds));
    expect(decide('a', 0).action).toBe('publish');
    expect(decide('b', 1).action).toBe('publish');
    const tripped = decide('c', 2);
    expect(tripped).toMatchObject({ action: 'suppressed', reason: 'rate-limited' });
    const notice = tripped.action === 'suppressed' ? tripped.notice : undefined;
    expect(notice).toMatchObject({
      kind: 'incidents.suppressed',
      actor: 'alerting',
      summary:
        'more than 2 incidents opened within a minute; further ones are not opened until 2026-11-23T10:02:00.000Z',
      incident: {
        ruleId: 'errors',
        ruleName: 'Errors per source',
        groupKey: '',
        status: 'resolved',
        channels: [{ type: 'console' }],
      },
    });
    // The notice is a valid message on the notifications topic, and no incident of a key.
    expect(decodeLifecycleMessage(JSON.stringify(notice))).toEqual({ ok: true, value: notice });
    expect(book.apply(notice!)).toBeNull();
    expect(tracker.hasOpenIncident('errors', 'c')).toBe(false);
    // One notice per minute: later refusals in it carry none.
    expect(decide('d', 30)).toEqual({ action: 'suppressed', reason: 'rate-limited' });
    // Other rules have their own count; keys with an open incident are unaffected.
    expect(decide('x', 31, rule({ id: 'other' })).action).toBe('publish');
    expect(decide('a', 32)).toEqual({ action: 'suppressed', reason: 'already-open' });
    expect(tracker.hasOpenIncident('errors', 'a')).toBe(true);
    // The next minute opens again.
    expect(decide('c', 60).action).toBe('publish');
  });
});
