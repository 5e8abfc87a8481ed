import { AttemptResult, permanent, retryable } from './attempt-result';
import { PreparedDelivery } from '../channels/channel-sender';

/**
 * Runs one attempt, bounded by `timeoutMs` whatever the sender does: the signal asks it to
 * stop, and the race makes sure we stop waiting even if it does not (SMTP has no signal).
 * Never throws: a sender bug becomes a failed, non-retryable attempt.
 */
export async function runAttempt(
  delivery: PreparedDelivery,
  attempt: number,
  timeoutMs: number,
): Promise<AttemptResult> {
  const controller = new AbortController();
  const timeoutResult = retryable(`no response within ${timeoutMs} ms`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<AttemptResult>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve(timeoutResult);
    }, timeoutMs);
  });
  const sending = Promise.resolve()
    .then(() => delivery.send({ attempt, signal: controller.signal }))
    .catch((error: unknown) =>
      permanent(`internal error: ${error instanceof Error ? error.message : String(error)}`),
    );
  try {
    const result = await Promise.race([sending, timedOut]);
    // The sender may have reported the abort as its own error first; it was the timeout.
    return controller.signal.aborted ? timeoutResult : result;
  } finally {
    clearTimeout(timer);
  }
}
