/**
 * Polls an assertion until it holds instead of sleeping a guessed amount: fast when the
 * system is fast, patient when the machine is busy. Rethrows the last failure on timeout.
 */
export async function eventually<T>(
  assertion: () => Promise<T> | T,
  { timeoutMs = 60000, intervalMs = 200 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}

/** Resolves with `promise`, or rejects after `ms`: a bounded wait for one thing to happen. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
