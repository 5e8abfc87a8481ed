import { describeValue } from '@app/contracts';
import { misconfigured, Preparation, SendRequest, SenderDeps } from './channel-sender';
import { sendToConsole } from './console.sender';
import { sendToDiscord } from './discord.sender';
import { sendEmail } from './email.sender';
import { sendToPagerDuty } from './pagerduty.sender';
import { sendToSlack } from './slack.sender';
import { sendToTeams } from './teams.sender';
import { sendToWebhook } from './webhook.sender';

/** Picks the sender for the channel's type and resolves its configuration. */
export function prepareDelivery(request: SendRequest, deps: SenderDeps): Preparation {
  const { channel } = request;
  switch (channel.type) {
    case 'console':
      return sendToConsole({ ...request, channel }, deps);
    case 'email':
      return sendEmail({ ...request, channel }, deps);
    case 'slack':
      return sendToSlack({ ...request, channel }, deps);
    case 'discord':
      return sendToDiscord({ ...request, channel }, deps);
    case 'teams':
      return sendToTeams({ ...request, channel }, deps);
    case 'pagerduty':
      return sendToPagerDuty({ ...request, channel }, deps);
    case 'webhook':
      return sendToWebhook({ ...request, channel }, deps);
    default: {
      // Only reachable with a message newer than this code (a channel type added later).
      const type = (channel as { type?: unknown }).type;
      return misconfigured('unknown', `unknown channel type ${describeValue(type)}`);
    }
  }
}
