/** Broker answers meaning this member no longer owns its partitions under the generation it has. */
const MEMBERSHIP_LOST = new Set([
  'UNKNOWN_MEMBER_ID',
  'ILLEGAL_GENERATION',
  'REBALANCE_IN_PROGRESS',
  'FENCED_INSTANCE_ID',
]);

/**
 * The broker's protocol error when `error` (or what kafkajs wrapped in it) says the group
 * membership is lost, e.g. a commit refused after a broker restart expired the member.
 * No wait fixes that: only going back to kafkajs, which rejoins the group, does. Retrying
 * inside the batch instead is a loop that never ends while the group waits for us.
 */
export function groupMembershipLost(error: unknown): Error | undefined {
  for (let e = error; e instanceof Error; e = (e as { cause?: unknown }).cause) {
    if (MEMBERSHIP_LOST.has((e as { type?: string }).type ?? '')) return e;
    if ((e as { cause?: unknown }).cause === e) break;
  }
  return undefined;
}
