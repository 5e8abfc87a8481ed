import { LifecycleKind, uuidV5 } from '@app/contracts';

/** Own namespace, so delivery ids never collide with event ids derived from the same text. */
const DELIVERY_NAMESPACE = Buffer.from('0f6c2e1a8b7d4c39a5e2d41b9c3f7a60', 'hex');

/**
 * One key per notification a receiver should see once: the same incident transition sent to
 * the same channel of the rule. Derived, never random, so it is identical across retries and
 * across restarts (a replayed `notifications` record produces the same key again).
 */
export function deliveryIdempotencyKey(
  incidentId: string,
  kind: LifecycleKind,
  channelIndex: number,
): string {
  return uuidV5(`${incidentId}/${kind}/${channelIndex}`, DELIVERY_NAMESPACE);
}

export function deliveryRecordId(idempotencyKey: string, attempt: number): string {
  return uuidV5(`${idempotencyKey}/attempt/${attempt}`, DELIVERY_NAMESPACE);
}
