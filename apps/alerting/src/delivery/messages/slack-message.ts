import { LifecycleMessage } from '@app/contracts';
import { conditionText, headline, incidentFacts } from './notification-summary';
import { singleLine, truncate } from './text';

/**
 * Slack treats `<...>` as links and mentions (`<!channel>`) and `&` as an entity, so user text
 * is escaped or a rule name could page a whole channel.
 */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// Block Kit limits: header 150 characters, at most 10 fields of 2000 each.
const MAX_HEADER = 150;
const MAX_FIELDS = 10;
const MAX_FIELD = 2000;

/** An incoming-webhook payload: `text` is the notification fallback, `blocks` the rich view. */
export function slackMessage(message: LifecycleMessage): Record<string, unknown> {
  const summary = headline(message);
  const fields = incidentFacts(message)
    .slice(0, MAX_FIELDS)
    .map((fact) => ({
      type: 'mrkdwn',
      text: truncate(`*${fact.label}*\n${escapeSlack(fact.value)}`, MAX_FIELD),
    }));
  return {
    text: escapeSlack(`[eventmon] ${summary}`),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(summary, MAX_HEADER) } },
      {
        type: 'section',
        text: { type: 'mrkdwn', text: escapeSlack(conditionText(message.incident)) },
      },
      { type: 'section', fields },
      {
        type: 'context',
        elements: [
          {
            type: 'mrkdwn',
            text: escapeSlack(
              singleLine(`${message.kind} at ${message.at} by ${message.actor} - eventmon`),
            ),
          },
        ],
      },
    ],
  };
}
