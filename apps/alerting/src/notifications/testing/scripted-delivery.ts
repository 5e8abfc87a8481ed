import { DeliveryRecord, Topic } from '@app/contracts';
import { Message } from 'kafkajs';
import { AttemptRecorder, DeliveryRequest, DeliveryResult } from '../../delivery';

/**
 * Stands in for the DeliveryExecutor: each delivery records one attempt and ends as
 * scripted per channel type (delivered by default). With `hold`, deliveries wait for the
 * test to release them, in the order they started.
 */
export class ScriptedExecutor {
  readonly requests: DeliveryRequest[] = [];
  readonly outcomes = new Map<string, DeliveryResult>();
  hold = false;
  closed = false;
  private readonly held: Array<() => void> = [];

  async deliver(request: DeliveryRequest, onAttempt: AttemptRecorder): Promise<DeliveryResult> {
    this.requests.push(request);
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    const result = this.outcomes.get(request.channel.type) ?? {
      outcome: 'delivered',
      attempts: 1,
      error: null,
    };
    await onAttempt(attemptRecord(request, result));
    return result;
  }

  /** Lets the oldest held delivery go on. */
  releaseNext(): void {
    this.held.shift()?.();
  }

  /** Lets the newest held delivery go on. */
  releaseLast(): void {
    this.held.pop()?.();
  }

  close(): void {
    this.closed = true;
  }
}

function attemptRecord(
  { message, channel, channelIndex }: DeliveryRequest,
  result: DeliveryResult,
): DeliveryRecord {
  return {
    id: `${message.incident.id}/${channelIndex}/${result.attempts}`,
    incidentId: message.incident.id,
    ruleId: message.incident.ruleId,
    kind: message.kind,
    channelType: channel.type,
    channelIndex,
    target: channel.type,
    attempt: result.attempts,
    maxAttempts: 3,
    outcome: result.outcome,
    statusCode: null,
    error: result.error,
    durationMs: 1,
    idempotencyKey: `key-${channelIndex}`,
    at: message.at,
  };
}

/** Stands in for the NotificationPublisher's `send`; the first `unavailableFor` sends fail. */
export class RecordingPublisher {
  readonly sent: Array<{ topic: Topic; messages: Message[] }> = [];
  unavailableFor = 0;

  send(topic: Topic, messages: Message[]): Promise<void> {
    if (this.unavailableFor > 0) {
      this.unavailableFor--;
      return Promise.reject(new Error('broker not available'));
    }
    this.sent.push({ topic, messages });
    return Promise.resolve();
  }

  /** The lifecycle messages' delivery records sent to `notifications.deliveries`. */
  attempts(): DeliveryRecord[] {
    return this.sent
      .filter((s) => s.topic === Topic.NotificationDeliveries)
      .flatMap((s) => s.messages.map((m) => JSON.parse(String(m.value)) as DeliveryRecord));
  }
}
