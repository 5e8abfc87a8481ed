import { LifecycleMessage, Severity } from '@app/contracts';
import { conditionText, headline, incidentFacts } from './notification-summary';
import { backslashEscape, singleLine } from './text';

/** Adaptive Card colours are named, not RGB. */
const SEVERITY_STYLE: Readonly<Record<Severity, string>> = {
  low: 'Accent',
  medium: 'Warning',
  high: 'Attention',
  critical: 'Attention',
};

/**
 * Adaptive Card text is a CommonMark subset: `**bold**`, `_italic_`, `[links](url)`, lists
 * (`- `, `+ `, `1. ` at the start of a line), plus `{{DATE(...)}}` / `{{TIME(...)}}`
 * functions; `<` (autolinks), backticks and `~` are escaped too for renderers that go further.
 * Parentheses only make a link after `]`, which is escaped, so `(group)` stays as written. A rule
 * name or group key must read as written, not as a link to somewhere else.
 */
const TEAMS_MARKUP = /[\\*_`~[\]<{}]|^[>#+-]|(?<=^\d+)\./g;

export function escapeTeams(text: string): string {
  return backslashEscape(text, TEAMS_MARKUP);
}

/**
 * The body a Teams workflow ("Post to a channel when a webhook request is received") expects:
 * a message whose attachment is an Adaptive Card. The retired Office 365 connectors took
 * MessageCards; workflows only render Adaptive Cards.
 */
export function teamsMessage(message: LifecycleMessage): Record<string, unknown> {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: {
          $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
          type: 'AdaptiveCard',
          version: '1.4',
          body: [
            {
              type: 'TextBlock',
              text: escapeTeams(headline(message)),
              weight: 'Bolder',
              size: 'Medium',
              color: SEVERITY_STYLE[message.incident.severity],
              wrap: true,
            },
            {
              type: 'TextBlock', // Rule fields checked by the decoder (names of aggregates, operators, numbers): no user text.
              text: conditionText(message.incident),
              wrap: true,
            },
            {
              type: 'FactSet',
              facts: incidentFacts(message).map((fact) => ({
                title: fact.label,
                value: escapeTeams(fact.value),
              })),
            },
            {
              type: 'TextBlock',
              text: escapeTeams(
                singleLine(`${message.kind} at ${message.at} by ${message.actor} - eventmon`),
              ),
              isSubtle: true,
              size: 'Small',
              wrap: true,
            },
          ],
        },
      },
    ],
  };
}
