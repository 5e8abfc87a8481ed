import { Logger, LoggerService } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { ChannelConfig, DeliveryOutcome, DeliveryRecord, LifecycleMessage } from '@app/contracts';
import { DnsResolver, EgressPolicy } from '@app/net';
import { AttemptResult } from './attempt/attempt-result';
import { scrubSecrets } from './attempt/redact';
import { retryDelay } from './attempt/retry-delay';
import { runAttempt } from './attempt/run-attempt';
import { Preparation, SenderDeps } from './channels/channel-sender';
import { smtpSecrets } from './channels/email.sender';
import { prepareDelivery } from './channels/prepare-delivery';
import { checkDeliverySettings, DeliverySettings } from './delivery-settings';
import { deliveryIdempotencyKey, deliveryRecordId } from './idempotency-key';
import { SmtpMailer } from './transport/smtp-mailer';

export interface DeliveryRequest {
  message: LifecycleMessage;
  channel: ChannelConfig;
  /** Position of the channel in the incident's channel list: part of the idempotency key. */
  channelIndex: number;
}

export interface DeliveryResult {
  outcome: 'delivered' | 'failed';
  attempts: number;
  error: string | null;
}

/** Called after every attempt, before the next one starts; awaited, and its errors propagate. */
export type AttemptRecorder = (record: DeliveryRecord) => Promise<void>;

/** Seams for tests: time, pauses, jitter, DNS and logs. */
export interface DeliveryExecutorOptions {
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  resolve?: DnsResolver;
  logger?: LoggerService;
}

/**
 * Turns one lifecycle message and one channel into delivery attempts: bounded attempts, a
 * timeout per attempt, jittered exponential backoff, retries only for what can succeed later,
 * and a DeliveryRecord per attempt with secrets removed. Holds no per-channel lock or queue,
 * so concurrent deliveries never wait on each other.
 */
export class DeliveryExecutor {
  private readonly deps: SenderDeps;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly alwaysSecret: string[];
  private mailer?: SmtpMailer;

  constructor(
    private readonly settings: DeliverySettings,
    options: DeliveryExecutorOptions = {},
  ) {
    const reasons = checkDeliverySettings(settings);
    if (reasons.length > 0) throw new Error(`invalid delivery settings: ${reasons.join('; ')}`);
    const now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
    this.random = options.random ?? Math.random;
    this.alwaysSecret = smtpSecrets(settings.smtpUrl);
    this.deps = {
      settings,
      egress: new EgressPolicy({
        allowedHosts: settings.allowedHosts,
        allowedPorts: settings.allowedPorts,
        resolve: options.resolve,
      }),
      mailer: () =>
        (this.mailer ??= new SmtpMailer(settings.smtpUrl ?? '', settings.attemptTimeoutMs)),
      logger: options.logger ?? new Logger('Delivery'),
      now,
    };
  }

  /** Never throws for a delivery problem: the outcome says what happened. */
  async deliver(request: DeliveryRequest, onAttempt: AttemptRecorder): Promise<DeliveryResult> {
    const { message, channel, channelIndex } = request;
    const idempotencyKey = deliveryIdempotencyKey(message.incident.id, message.kind, channelIndex);
    const base = {
      incidentId: message.incident.id,
      ruleId: message.incident.ruleId,
      kind: message.kind,
      channelType: channel.type,
      channelIndex,
      maxAttempts: this.settings.maxAttempts,
      idempotencyKey,
    };
    const preparation = this.prepare(request, idempotencyKey);
    if (!preparation.ok) {
      const error = this.scrub(preparation.error, preparation.secrets);
      await onAttempt({
        ...base,
        id: deliveryRecordId(idempotencyKey, 1),
        target: preparation.target,
        attempt: 1,
        outcome: 'failed',
        statusCode: null,
        error,
        durationMs: 0,
        at: new Date(this.deps.now()).toISOString(),
      });
      return { outcome: 'failed', attempts: 1, error };
    }
    const { delivery } = preparation;
    for (let attempt = 1; ; attempt++) {
      const startedAt = this.deps.now();
      const result = await runAttempt(delivery, attempt, this.settings.attemptTimeoutMs);
      const durationMs = Math.max(0, Math.round(this.deps.now() - startedAt));
      const last = result.ok || !result.retryable || attempt >= this.settings.maxAttempts;
      const outcome: DeliveryOutcome = result.ok ? 'delivered' : last ? 'failed' : 'retrying';
      const raw = result.ok ? (result.note ?? null) : result.error;
      const error = raw === null ? null : this.scrub(raw, delivery.secrets);
      await onAttempt({
        ...base,
        id: deliveryRecordId(idempotencyKey, attempt),
        target: delivery.target,
        attempt,
        outcome,
        statusCode: result.statusCode,
        error,
        durationMs,
        at: new Date(startedAt).toISOString(),
      });
      if (last) return this.finalResult(result, attempt, error);
      await this.sleep(retryDelay(result, attempt, this.settings, this.random));
    }
  }

  close(): void {
    this.mailer?.close();
  }

  private prepare(request: DeliveryRequest, idempotencyKey: string): Preparation {
    try {
      return prepareDelivery({ ...request, idempotencyKey }, this.deps);
    } catch (error) {
      // A bug in a sender must cost one delivery, not the consumer loop.
      const text = error instanceof Error ? error.message : String(error);
      return { ok: false, target: 'unknown', error: `internal error: ${text}`, secrets: [] };
    }
  }

  private finalResult(
    result: AttemptResult,
    attempts: number,
    error: string | null,
  ): DeliveryResult {
    if (result.ok) return { outcome: 'delivered', attempts, error: null };
    const exhausted = result.retryable ? ` (gave up after ${attempts} attempts)` : '';
    return { outcome: 'failed', attempts, error: `${error ?? 'failed'}${exhausted}` };
  }

  private scrub(text: string, secrets: readonly string[]): string {
    return scrubSecrets(text, [...secrets, ...this.alwaysSecret]);
  }
}
