import { ChatChannel } from '@app/contracts';
import { slackMessage } from '../messages/slack-message';
import { ChannelSender } from './channel-sender';
import { chatDelivery } from './chat-delivery';

/** Slack incoming webhook: answers 200 "ok", or 4xx with a one-word reason. */
export const sendToSlack: ChannelSender<ChatChannel> = (request, deps) =>
  chatDelivery(request, deps, slackMessage);
