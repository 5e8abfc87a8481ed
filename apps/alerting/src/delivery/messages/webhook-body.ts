import { LifecycleMessage, withoutChannels } from '@app/contracts';

/**
 * The lifecycle message as published on `notifications`, minus the rule's channel list: it
 * holds other channels' webhook URLs (credentials) and recipient addresses, which this
 * receiver has no business seeing. An empty list still decodes as a LifecycleMessage.
 */
export function webhookBody(message: LifecycleMessage): string {
  return JSON.stringify({ ...message, incident: withoutChannels(message.incident) });
}
