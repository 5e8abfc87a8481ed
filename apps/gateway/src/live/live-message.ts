import { LifecycleKind, LifecycleMessage, withoutChannels } from '@app/contracts';

/**
 * One lifecycle message as every live client gets it, whatever the transport: the rule's
 * channels left out (they hold webhook URLs), serialised once for all clients.
 */
export interface LiveMessage {
  kind: LifecycleKind;
  /** The message as JSON: an SSE event's `data:` line and a WebSocket text frame alike. */
  json: string;
}

export function liveMessage(message: LifecycleMessage): LiveMessage {
  const shown = { ...message, incident: withoutChannels(message.incident) };
  return { kind: shown.kind, json: JSON.stringify(shown) };
}

/** The message as one Server-Sent Event. */
export const sseEvent = (message: LiveMessage): string =>
  `event: ${message.kind}\ndata: ${message.json}\n\n`;
