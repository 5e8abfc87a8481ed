import { EgressDeniedError } from '@app/net';
import { resultFromError, resultFromResponse, parseRetryAfter } from '../transport/http-result';
import { resultFromSmtpError } from '../transport/smtp-mailer';
import { retryable, permanent } from './attempt-result';
import { scrubSecrets, urlSecrets } from './redact';
import { retryDelay } from './retry-delay';

const NOW = Date.parse('2025-01-01T00:00:00Z');
const response = (statusCode: number, headers: Record<string, string> = {}, body = '') => ({
  statusCode,
  headers,
  body,
});

describe('HTTP attempt results', () => {
  it.each([
    [200, true, false],
    [202, true, false],
    [204, true, false],
    [301, false, false],
    [307, false, false],
    [400, false, false],
    [401, false, false],
    [404, false, false],
    [408, false, true],
    [413, false, false],
    [429, false, true],
    [500, false, true],
    [502, false, true],
    [503, false, true],
  ])('HTTP %i: ok=%s, retryable=%s', (status, ok, canRetry) => {
    const result = resultFromResponse(response(status), NOW);
    expect(result.ok).toBe(ok);
    if (!result.ok) expect(result.retryable).toBe(canRetry);
    expect(result.statusCode).toBe(status);
  });

  it('quotes a short, single-line start of the error body', () => {
    const result = resultFromResponse(
      response(400, {}, `bad\r\n  payload ${'x'.repeat(500)}`),
      NOW,
    );
    expect(!result.ok && result.error).toMatch(/^HTTP 400: bad payload x+…$/);
    expect(!result.ok && result.error.length).toBeLessThanOrEqual('HTTP 400: '.length + 200);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('120', NOW)).toBe(120_000);
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', NOW)).toBe(0);
    expect(parseRetryAfter('soon', NOW)).toBeUndefined();
    expect(parseRetryAfter(undefined, NOW)).toBeUndefined();
    const result = resultFromResponse(response(429, { 'retry-after': '7' }), NOW);
    expect(!result.ok && result.retryAfterMs).toBe(7000);
  });

  it('retries network errors but not egress refusals', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    expect(resultFromError(refused)).toEqual(
      retryable('network error: connect ECONNREFUSED 127.0.0.1:1'),
    );
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    expect(resultFromError(reset)).toEqual(retryable('network error: ECONNRESET socket hang up'));
    expect(resultFromError(new EgressDeniedError(['no']))).toEqual(permanent('egress refused: no'));
  });
});

describe('SMTP attempt results', () => {
  it('retries 4xx replies and connection trouble, not 5xx or bad credentials', () => {
    const withCode = (code: string, responseCode?: number) =>
      Object.assign(new Error('x'), { code, responseCode });
    expect(resultFromSmtpError(withCode('EENVELOPE', 452))).toMatchObject({
      retryable: true,
      statusCode: 452,
    });
    expect(resultFromSmtpError(withCode('EENVELOPE', 550))).toMatchObject({
      retryable: false,
      statusCode: 550,
    });
    expect(resultFromSmtpError(withCode('EAUTH'))).toMatchObject({ retryable: false });
    expect(resultFromSmtpError(withCode('ECONNECTION'))).toMatchObject({ retryable: true });
    expect(resultFromSmtpError(withCode('ETIMEDOUT'))).toMatchObject({
      retryable: true,
      error: 'SMTP ETIMEDOUT: x',
    });
  });
});

describe('retryDelay', () => {
  const settings = { initialBackoffMs: 100, maxBackoffMs: 1000 };

  it('backs off exponentially with jitter in the upper half, capped', () => {
    const failure = retryable('x');
    expect(retryDelay(failure, 1, settings, () => 1)).toBe(100);
    expect(retryDelay(failure, 1, settings, () => 0)).toBe(50);
    expect(retryDelay(failure, 3, settings, () => 1)).toBe(400);
    expect(retryDelay(failure, 10, settings, () => 1)).toBe(1000);
  });

  it('waits at least as long as Retry-After asks, up to the cap', () => {
    expect(retryDelay(retryable('x', 429, 600), 1, settings, () => 1)).toBe(600);
    expect(retryDelay(retryable('x', 429, 0), 2, settings, () => 1)).toBe(200);
    expect(retryDelay(retryable('x', 429, 3_600_000), 1, settings, () => 1)).toBe(1000);
  });
});

describe('redaction', () => {
  it('removes every piece of a credential URL from a text, longest first', () => {
    const url = new URL(
      'https://hooks.slack.com/services/T0AAAAAA/B0BBBBBB/cccccccccccc?token=q%2Fsecret',
    );
    const secrets = urlSecrets(url);
    const text = `failed https://hooks.slack.com/services/T0AAAAAA/B0BBBBBB/cccccccccccc?token=q%2Fsecret; path /services/T0AAAAAA/B0BBBBBB/cccccccccccc; piece cccccccccccc; decoded q/secret`;
    const scrubbed = scrubSecrets(text, secrets);
    expect(scrubbed).toBe(
      'failed [redacted]; path [redacted]; piece [redacted]; decoded [redacted]',
    );
  });

  it('ignores secrets too short to be real and caps the length', () => {
    expect(scrubSecrets('a b c', ['a', 'b'])).toBe('a b c');
    expect(scrubSecrets('y'.repeat(1000), [])).toHaveLength(500);
  });
});
