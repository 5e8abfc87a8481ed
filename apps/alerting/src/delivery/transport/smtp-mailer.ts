import { createTransport } from 'nodemailer';
import { AttemptResult, delivered, permanent, retryable } from '../attempt/attempt-result';

export interface OutgoingMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  /** Fixed per notification: clients and some MTAs drop a second message with the same id. */
  messageId: string;
  headers: Record<string, string>;
}

/** Failures a later attempt will not fix: bad credentials, refused envelope, malformed message. */
const PERMANENT_CODES = new Set(['EAUTH', 'EENVELOPE', 'EMESSAGE', 'ECONFIG', 'EREQUIRETLS']);

/**
 * Sends mail over SMTP. Not pooled: each message opens its own connection, so one slow or
 * dead server never queues other emails behind it, and every attempt is bounded by the
 * connection, greeting and socket timeouts.
 */
export class SmtpMailer {
  private readonly transport: ReturnType<typeof smtpTransport>;

  constructor(smtpUrl: string, timeoutMs: number) {
    this.transport = smtpTransport(smtpUrl, timeoutMs);
  }

  async send(mail: OutgoingMail): Promise<AttemptResult> {
    try {
      const info = await this.transport.sendMail({ ...mail, to: mail.to.join(', ') });
      const rejected = info.rejected.length;
      const note = rejected > 0 ? `${rejected} of ${mail.to.length} recipients refused` : undefined;
      return delivered(replyCode(info.response), note);
    } catch (error) {
      return resultFromSmtpError(error);
    }
  }

  close(): void {
    this.transport.close();
  }
}

function smtpTransport(smtpUrl: string, timeoutMs: number) {
  return createTransport({
    url: smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  });
}

/** SMTP says it outright: 4xx replies are transient, 5xx permanent. */
export function resultFromSmtpError(error: unknown): AttemptResult {
  const details = (error ?? {}) as { code?: unknown; responseCode?: unknown; message?: unknown };
  const code = typeof details.code === 'string' ? details.code : undefined;
  const message = typeof details.message === 'string' ? details.message : String(error);
  const text = `SMTP ${code ? `${code}: ` : ''}${message}`;
  if (typeof details.responseCode === 'number') {
    return details.responseCode >= 500
      ? permanent(text, details.responseCode)
      : retryable(text, details.responseCode);
  }
  return code && PERMANENT_CODES.has(code) ? permanent(text) : retryable(text);
}

function replyCode(response: string): number | null {
  const match = /^(\d{3})/.exec(response);
  return match ? Number(match[1]) : null;
}
