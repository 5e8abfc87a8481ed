import { PagerDutyChannel } from '@app/contracts';
import { DEFAULT_PAGERDUTY_ROUTING_KEY_ENV } from '../delivery-settings';
import { pagerDutyEvent } from '../messages/pagerduty-event';
import { postJson } from '../transport/post-json';
import { ChannelSender, misconfigured, prepared } from './channel-sender';

/**
 * PagerDuty Events API v2. The events URL is the operator's (not a rule's), so it is not
 * subject to the egress policy; the routing key is a secret and only ever travels in the body.
 */
export const sendToPagerDuty: ChannelSender<PagerDutyChannel> = ({ message, channel }, deps) => {
  const target = 'pagerduty';
  const keyEnv = channel.routingKeyEnv ?? DEFAULT_PAGERDUTY_ROUTING_KEY_ENV;
  const routingKey = deps.settings.env[keyEnv]?.trim();
  if (!routingKey)
    return misconfigured(target, `env ${keyEnv} (the PagerDuty routing key) is not set`);
  let url: URL;
  try {
    url = new URL(deps.settings.pagerDutyEventsUrl);
  } catch {
    return misconfigured(target, 'the PagerDuty events URL is not a valid URL', [routingKey]);
  }
  const body = JSON.stringify(pagerDutyEvent(message, routingKey));
  return prepared({
    target,
    secrets: [routingKey],
    send: ({ signal }) => postJson(url, body, { signal, now: deps.now }),
  });
};
