import { LifecycleMessage, Severity } from '@app/contracts';
import { conditionText, headline, incidentFacts } from './notification-summary';

/** Adaptive Card colours are named, not RGB. */
const SEVERITY_STYLE: Readonly<Record<Severity, string>> = {
  low: 'Accent',
  medium: 'Warning',
  high: 'Attention',
  critical: 'Attention',
};

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
              text: headline(message),
              weight: 'Bolder',
              size: 'Medium',
              color: SEVERITY_STYLE[message.incident.severity],
              wrap: true,
            },
            { type: 'TextBlock', text: conditionText(message.incident), wrap: true },
            {
              type: 'FactSet',
              facts: incidentFacts(message).map((fact) => ({
                title: fact.label,
                value: fact.value,
              })),
            },
            {
              type: 'TextBlock',
              text: `${message.kind} at ${message.at} by ${message.actor} - eventmon`,
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
