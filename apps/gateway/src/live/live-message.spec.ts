import { decodeLifecycleMessage } from '@app/contracts';
import { lifecycle, openIncident } from '../../../../test/support/notifications';
import { liveMessage, sseEvent } from './live-message';

describe('liveMessage', () => {
  const incident = openIncident(3, new Date('2026-12-01T10:00:00.000Z'));
  const message = liveMessage(lifecycle(incident));

  it('is the lifecycle message without the rule channels, still a valid lifecycle message', () => {
    expect(message.kind).toBe('incident.opened');
    expect(JSON.parse(message.json)).toEqual({
      ...lifecycle(incident),
      incident: { ...incident, channels: [] },
    });
    expect(decodeLifecycleMessage(message.json).ok).toBe(true);
    expect(message.json).not.toContain('oncall-3@example.com');
  });

  it('frames as one SSE event whose data line is that same JSON', () => {
    expect(sseEvent(message)).toBe(`event: incident.opened\ndata: ${message.json}\n\n`);
  });
});
