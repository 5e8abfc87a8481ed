import { LoggerService } from '@nestjs/common';
import { ChannelConfig, LifecycleMessage } from '@app/contracts';
import { EgressPolicy } from '@app/net';
import { AttemptResult } from '../attempt/attempt-result';
import { DeliverySettings } from '../delivery-settings';
import { SmtpMailer } from '../transport/smtp-mailer';

/** What every sender may use; built once by the executor and shared by all deliveries. */
export interface SenderDeps {
  settings: DeliverySettings;
  egress: EgressPolicy;
  /** Created on first use, so a missing SMTP_URL only matters to email channels. */
  mailer: () => SmtpMailer;
  logger: LoggerService;
  now: () => number;
}

export interface SendRequest<C extends ChannelConfig = ChannelConfig> {
  message: LifecycleMessage;
  channel: C;
  idempotencyKey: string;
}

export interface AttemptContext {
  attempt: number;
  /** Aborted when the attempt's time is up; senders pass it to their I/O. */
  signal: AbortSignal;
}

/** A delivery whose configuration resolved: ready to be attempted as often as needed. */
export interface PreparedDelivery {
  /** Where it goes, safe to publish (a host name, a recipient count). */
  target: string;
  /** Values that must never appear in a record or a log; scrubbed from every error. */
  secrets: string[];
  send(context: AttemptContext): Promise<AttemptResult>;
}

/**
 * Resolving a channel (env vars, URLs, policy) either yields a delivery or a configuration
 * error: the latter fails at once, no retry can fix a missing secret.
 */
export type Preparation =
  | { ok: true; delivery: PreparedDelivery }
  | { ok: false; target: string; error: string; secrets: string[] };

export type ChannelSender<C extends ChannelConfig> = (
  request: SendRequest<C>,
  deps: SenderDeps,
) => Preparation;

export function prepared(delivery: PreparedDelivery): Preparation {
  return { ok: true, delivery };
}

export function misconfigured(target: string, error: string, secrets: string[] = []): Preparation {
  return { ok: false, target, error, secrets };
}
