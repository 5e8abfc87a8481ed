/** Reads the gateway's Server-Sent Events response as it arrives, message by message. */
export async function readStream(url: string, key: string, into: string[], signal: AbortSignal) {
  const response = await fetch(`${url}/api/incidents/stream`, {
    headers: { 'x-api-key': key },
    signal,
  });
  if (!response.ok) throw new Error(`stream answered ${response.status}`);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  void (async () => {
    try {
      for (;;) {
        const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
        if (done) return;
        buffered += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          into.push(buffered.slice(0, end));
          buffered = buffered.slice(end + 2);
        }
      }
    } catch {
      // aborted at the end of the test
    }
  })();
  return response;
}
