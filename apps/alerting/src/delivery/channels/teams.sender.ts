import { ChatChannel } from '@app/contracts';
import { teamsMessage } from '../messages/teams-card';
import { ChannelSender } from './channel-sender';
import { chatDelivery } from './chat-delivery';

/** Teams workflow webhook: answers 202 Accepted once the flow has queued the card. */
export const sendToTeams: ChannelSender<ChatChannel> = (request, deps) =>
  chatDelivery(request, deps, teamsMessage);
