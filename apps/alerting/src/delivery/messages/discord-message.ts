import { LifecycleMessage } from '@app/contracts';
import { conditionText, headline, incidentFacts, SEVERITY_COLOR } from './notification-summary';
import { backslashEscape, truncate } from './text';

/**
 * Keeps user text from turning into Discord markdown (or breaking out of it). Quote, heading
 * and list markers only count at the start of a line, and our texts are single lines.
 */
const DISCORD_MARKUP = /[\\*_~`|[\]]|^[>#-]/g;

export function escapeDiscord(text: string): string {
  return backslashEscape(text, DISCORD_MARKUP);
}

// Discord limits: content 2000, embed title 256, description 4096, 25 fields of 1024.
const MAX_CONTENT = 2000;
const MAX_TITLE = 256;
const MAX_FIELDS = 25;
const MAX_FIELD_VALUE = 1024;

/** An execute-webhook payload: `content` for notifications, one embed with the details. */
export function discordMessage(message: LifecycleMessage): Record<string, unknown> {
  const summary = headline(message);
  return {
    content: truncate(`[eventmon] ${escapeDiscord(summary)}`, MAX_CONTENT),
    // A rule name like "@everyone" must not ping anybody.
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: truncate(escapeDiscord(summary), MAX_TITLE),
        description: escapeDiscord(conditionText(message.incident)),
        color: SEVERITY_COLOR[message.incident.severity],
        timestamp: message.at,
        fields: incidentFacts(message)
          .slice(0, MAX_FIELDS)
          .map((fact) => ({
            name: fact.label,
            value: truncate(escapeDiscord(fact.value) || '-', MAX_FIELD_VALUE),
            inline: true,
          })),
        footer: { text: truncate(`${message.kind} by ${message.actor} - eventmon`, 2048) },
      },
    ],
  };
}
