import { ChatChannel } from '@app/contracts';
import { discordMessage } from '../messages/discord-message';
import { ChannelSender } from './channel-sender';
import { chatDelivery } from './chat-delivery';

/** Discord execute-webhook: answers 204; 429 comes with Retry-After, which the executor honours. */
export const sendToDiscord: ChannelSender<ChatChannel> = (request, deps) =>
  chatDelivery(request, deps, discordMessage);
