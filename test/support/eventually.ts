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
