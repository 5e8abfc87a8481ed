import { escapeDiscord } from './discord-message';
import { emailContent } from './email-content';
import { escapeHtml } from './html-escape';
import { conditionText, headline, notificationTitle } from './notification-summary';
import { pagerDutyEvent } from './pagerduty-event';
import { escapeSlack, slackMessage } from './slack-message';
import { escapeTeams, teamsMessage } from './teams-card';
import { truncate } from './text';
import { webhookBody } from './webhook-body';
import { lifecycleMessage } from '../testing/lifecycle-fixture';

describe('notification wording', () => {
  it('titles a notification by severity, transition, rule and group', () => {
    expect(notificationTitle(lifecycleMessage())).toBe(
      '[eventmon] HIGH opened: Payment exceptions (client-42)',
    );
    expect(
      headline(
        lifecycleMessage({ kind: 'incident.acknowledged', incident: { severity: 'critical' } }),
      ),
    ).toBe('CRITICAL acknowledged: Payment exceptions (client-42)');
    expect(conditionText(lifecycleMessage().incident)).toBe(
      'count >= 5 over a 60 s sliding window (value 7)',
    );
  });

  it('titles a suppression notice by its summary instead of a group key', () => {
    const notice = lifecycleMessage({
      kind: 'incidents.suppressed',
      summary: 'more than 20 incidents opened within a minute',
      incident: { groupKey: '', status: 'resolved' },
    });
    expect(notificationTitle(notice)).toBe(
      '[eventmon] HIGH incidents suppressed: Payment exceptions (more than 20 incidents opened within a minute)',
    );
  });

  it('keeps CR/LF out of the email subject (no header injection)', () => {
    const { subject } = emailContent(
      lifecycleMessage({ incident: { ruleName: 'Payments\r\nBcc: attacker@example.com' } }),
    );
    expect(subject).toBe('[eventmon] HIGH opened: Payments Bcc: attacker@example.com (client-42)');
  });

  it('escapes every user string in the HTML body', () => {
    const { html } = emailContent(
      lifecycleMessage({
        actor: '<b>mallory</b>',
        incident: {
          ruleName: '<img src=x onerror=alert(1)>',
          ruleId: 'rule-1',
          groupKey: "o'brien & <co>",
          acknowledgedAt: '2025-01-01T10:05:00.000Z',
          acknowledgedBy: '<i>eve</i>',
        },
      }),
    );
    expect(html).not.toMatch(/<img|<b>|<i>|<co>/);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('o&#39;brien &amp; &lt;co&gt;');
    expect(html).toContain('by &lt;i&gt;eve&lt;/i&gt;');
    expect(html).toContain('by &lt;b&gt;mallory&lt;/b&gt;');
  });

  it('escapes the characters each format treats as markup', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    expect(escapeSlack('<!here> & <https://x|y>')).toBe('&lt;!here&gt; &amp; &lt;https://x|y&gt;');
    expect(escapeDiscord('> *a* _b_ `c` ~d~ |e| [f](g)')).toBe(
      '\\> \\*a\\* \\_b\\_ \\`c\\` \\~d\\~ \\|e\\| \\[f\\](g)',
    );
  });

  it('escapes Adaptive Card markdown and date functions in Teams text', () => {
    expect(escapeTeams('**a** _b_ [c](https://d) <e> `f` ~g~ {{DATE(x)}} \\')).toBe(
      '\\*\\*a\\*\\* \\_b\\_ \\[c\\](https://d) \\<e> \\`f\\` \\~g\\~ \\{\\{DATE(x)\\}\\} \\\\',
    );
    expect(escapeTeams('- a')).toBe('\\- a');
    expect(escapeTeams('+ a')).toBe('\\+ a');
    expect(escapeTeams('# a')).toBe('\\# a');
    expect(escapeTeams('> a >= b')).toBe('\\> a >= b');
    expect(escapeTeams('12. a-b 3. #4')).toBe('12\\. a-b 3. #4');
  });

  it('puts no user text into a Teams card unescaped', () => {
    const card = JSON.stringify(
      teamsMessage(
        lifecycleMessage({
          actor: '**mallory**',
          incident: {
            ruleName: '[Pay here](https://evil.example)',
            groupKey: '{{DATE(2017-02-14T06:00:00Z, SHORT)}}',
            acknowledgedAt: '2025-01-01T10:05:00.000Z',
            acknowledgedBy: '_eve_',
          },
        }),
      ),
    );
    expect(card).not.toMatch(/(?<!\\\\)\[Pay|(?<!\\\\)\{\{DATE|(?<!\\\\)\*\*mallory|(?<!\\\\)_eve/);
    expect(card).toContain('\\\\[Pay here\\\\](https://evil.example)');
    expect(card).toContain('by \\\\_eve\\\\_');
    expect(card).toContain('by \\\\*\\\\*mallory\\\\*\\\\* - eventmon');
  });

  it('respects receiver length limits', () => {
    const long = lifecycleMessage({ incident: { ruleName: 'x'.repeat(300) } });
    const header = (slackMessage(long).blocks as { text?: { text: string } }[])[0].text!.text;
    expect(header).toHaveLength(150);
    expect(header.endsWith('…')).toBe(true);
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });

  it('falls back to the rule id as PagerDuty source when the group key is empty', () => {
    const event = pagerDutyEvent(lifecycleMessage({ incident: { groupKey: '' } }), 'key');
    expect(event).toHaveProperty('payload.source', 'payment-exceptions');
  });

  it('leaves the channel list out of the webhook body', () => {
    const body = JSON.parse(webhookBody(lifecycleMessage())) as {
      incident: { channels: unknown[] };
    };
    expect(body.incident.channels).toEqual([]);
  });
});
