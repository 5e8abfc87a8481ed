import { createServer, Server, Socket } from 'node:net';
import { AddressInfo } from 'node:net';
import { DeliveryExecutor } from '../delivery-executor';
import { DeliverySettings } from '../delivery-settings';
import { testSettings } from '../testing/delivery-settings.fixture';
import { deliverOnce } from '../testing/deliver';
import { lifecycleMessage } from '../testing/lifecycle-fixture';
import {
  LocalSmtpServer,
  mimeHeaders,
  parseMime,
  startSmtpServer,
} from '../testing/local-smtp-server';
import { RecordingLogger } from '../testing/recording-logger';

const PASSWORD = 'Sm7pPassw0rd-secret';

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

describe('email channel', () => {
  let smtp: LocalSmtpServer | undefined;
  const executors: DeliveryExecutor[] = [];
  let logger: RecordingLogger;

  beforeEach(() => {
    logger = new RecordingLogger();
  });
  afterEach(async () => {
    executors.splice(0).forEach((executor) => executor.close());
    await smtp?.close();
    smtp = undefined;
  });

  function executor(overrides: Partial<DeliverySettings> = {}) {
    const created = new DeliveryExecutor(
      testSettings({ smtpUrl: `smtp://127.0.0.1:${smtp?.port ?? 9}`, ...overrides }),
      { logger, sleep: () => Promise.resolve() },
    );
    executors.push(created);
    return created;
  }

  it('sends one message with subject, text and HTML parts to every recipient', async () => {
    smtp = await startSmtpServer();
    const message = lifecycleMessage({
      incident: { ruleName: 'Payments <script>alert(1)</script>', groupKey: 'client "42" & co' },
    });
    const { result, records } = await deliverOnce(
      executor(),
      { type: 'email', to: ['oncall@example.com', 'payments@example.com'] },
      message,
      2,
    );
    expect(result).toEqual({ outcome: 'delivered', attempts: 1, error: null });
    expect(records[0]).toMatchObject({
      target: '2 recipients',
      statusCode: 250,
      channelType: 'email',
    });

    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail.from).toBe('alerts@eventmon.test');
    expect(mail.to).toEqual(['oncall@example.com', 'payments@example.com']);
    const headers = mimeHeaders(mail.raw);
    expect(headers.subject).toBe(
      '[eventmon] HIGH opened: Payments <script>alert(1)</script> (client "42" & co)',
    );
    expect(headers.from).toBe('eventmon <alerts@eventmon.test>');
    expect(headers['message-id']).toBe(`<${records[0].idempotencyKey}@eventmon>`);
    expect(headers['x-eventmon-incident']).toBe(message.incident.id);

    const parts = parseMime(mail.raw);
    const text = parts.find((part) => part.headers['content-type'].startsWith('text/plain'));
    const html = parts.find((part) => part.headers['content-type'].startsWith('text/html'));
    expect(text?.body).toContain(
      'HIGH opened: Payments <script>alert(1)</script> (client "42" & co)',
    );
    expect(text?.body).toContain('Condition: count >= 5 over a 60 s sliding window (value 7)');
    expect(text?.body).toContain(`Incident: ${message.incident.id}`);
    expect(html?.body).toContain(
      'HIGH opened: Payments &lt;script&gt;alert(1)&lt;/script&gt; (client &quot;42&quot; &amp; co)',
    );
    expect(html?.body).toContain('count &gt;= 5 over a 60 s sliding window (value 7)');
    expect(html?.body).not.toContain('<script>');
    // Other channels of the rule (webhook URLs) never end up in a message.
    expect(mail.raw).not.toContain('OTHERCHANNELSECRET');
  });

  it('authenticates with the credentials in SMTP_URL and never shows the password', async () => {
    smtp = await startSmtpServer({
      authOptional: false,
      onAuth(auth, _session, callback) {
        if (auth.username === 'eventmon' && auth.password === PASSWORD)
          callback(null, { user: 'eventmon' });
        else callback(smtpError('Authentication failed', 535));
      },
    });
    const good = await deliverOnce(
      executor({ smtpUrl: `smtp://eventmon:${PASSWORD}@127.0.0.1:${smtp.port}` }),
      {
        type: 'email',
        to: ['oncall@example.com'],
      },
    );
    expect(good.result.outcome).toBe('delivered');
    expect(good.records[0].target).toBe('1 recipient');

    const bad = await deliverOnce(
      executor({ smtpUrl: `smtp://eventmon:${PASSWORD}x@127.0.0.1:${smtp.port}` }),
      {
        type: 'email',
        to: ['oncall@example.com'],
      },
    );
    // Wrong credentials will not fix themselves: one attempt.
    expect(bad.result.outcome).toBe('failed');
    expect(bad.result.attempts).toBe(1);
    expect(bad.result.error).toContain('EAUTH');
    expect(bad.records[0].statusCode).toBe(535);
    expect(JSON.stringify(bad) + logger.text()).not.toContain(PASSWORD);
    expect(smtp.mails).toHaveLength(1);
  });

  it('retries a temporary (4xx) refusal and gives up at once on a permanent (5xx) one', async () => {
    let rcptCalls = 0;
    smtp = await startSmtpServer({
      onRcptTo(address, _session, callback) {
        rcptCalls++;
        if (address.address.startsWith('never')) callback(smtpError('mailbox unavailable', 550));
        else if (rcptCalls === 1) callback(smtpError('try again later', 451));
        else callback();
      },
    });
    const temporary = await deliverOnce(executor(), { type: 'email', to: ['oncall@example.com'] });
    expect(temporary.records.map((r) => [r.outcome, r.statusCode])).toEqual([
      ['retrying', 451],
      ['delivered', 250],
    ]);
    const permanent = await deliverOnce(executor(), { type: 'email', to: ['never@example.com'] });
    expect(permanent.result.outcome).toBe('failed');
    expect(permanent.result.attempts).toBe(1);
    expect(permanent.records[0].statusCode).toBe(550);
  });

  it('delivers when some recipients are refused, and says how many', async () => {
    smtp = await startSmtpServer({
      onRcptTo(address, _session, callback) {
        callback(address.address.startsWith('never') ? smtpError('no such user', 550) : undefined);
      },
    });
    const { result, records } = await deliverOnce(executor(), {
      type: 'email',
      to: ['oncall@example.com', 'never@example.com'],
    });
    expect(result.outcome).toBe('delivered');
    expect(records[0].error).toBe('1 of 2 recipients refused');
    expect(smtp.mails[0].to).toEqual(['oncall@example.com']);
  });

  it('times out each attempt against a server that never greets', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const started = Date.now();
      const { result, records } = await deliverOnce(
        executor({ smtpUrl: `smtp://127.0.0.1:${port}`, attemptTimeoutMs: 300, maxAttempts: 2 }),
        { type: 'email', to: ['oncall@example.com'] },
      );
      expect(result.outcome).toBe('failed');
      expect(records.map((r) => r.outcome)).toEqual(['retrying', 'failed']);
      expect(records.every((r) => r.durationMs >= 290 && r.durationMs < 1500)).toBe(true);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      sockets.forEach((socket) => socket.destroy());
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('fails at once when SMTP is not configured', async () => {
    const { result, records } = await deliverOnce(executor({ smtpUrl: undefined }), {
      type: 'email',
      to: ['oncall@example.com'],
    });
    expect(result).toEqual({
      outcome: 'failed',
      attempts: 1,
      error: 'email is not configured: SMTP_URL is not set',
    });
    expect(records[0].target).toBe('1 recipient');
  });
});
