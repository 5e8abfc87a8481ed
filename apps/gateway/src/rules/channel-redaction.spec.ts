import { redactChannels, redactUrl, ruleAsSeenBy } from './channel-redaction';

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXSECRET';

describe('channel redaction', () => {
  it('keeps scheme and host (with a port) of a URL, nothing of its path or query', () => {
    expect(redactUrl(SLACK)).toBe('https://hooks.slack.com/…');
    expect(redactUrl('http://hooks.example.com:8443/in?token=abc')).toBe(
      'http://hooks.example.com:8443/…',
    );
    expect(redactUrl('not a url SECRET')).toBe('…');
  });

  it('redacts url channels and leaves the others as they are', () => {
    expect(
      redactChannels([
        { type: 'slack', url: SLACK },
        { type: 'webhook', urlEnv: 'CHANNEL_HOOK_URL', secretEnv: 'CHANNEL_HOOK_SECRET' },
        { type: 'email', to: ['oncall@example.com'] },
      ]),
    ).toEqual([
      { type: 'slack', url: 'https://hooks.slack.com/…' },
      { type: 'webhook', urlEnv: 'CHANNEL_HOOK_URL', secretEnv: 'CHANNEL_HOOK_SECRET' },
      { type: 'email', to: ['oncall@example.com'] },
    ]);
  });

  it('shows a rule whole to an admin and redacted to every other role', () => {
    const rule = { id: 'r', channels: [{ type: 'slack', url: SLACK }] };
    expect(ruleAsSeenBy(rule, { role: 'admin', id: 'admin:1' })).toBe(rule);
    for (const role of ['read', 'ingest'] as const) {
      expect(JSON.stringify(ruleAsSeenBy(rule, { role, id: `${role}:1` }))).not.toContain('SECRET');
    }
    expect(ruleAsSeenBy({ status: 'open' }, { role: 'read', id: 'read:1' })).toEqual({
      status: 'open',
    });
    expect(ruleAsSeenBy(null, { role: 'read', id: 'read:1' })).toBeNull();
  });
});
