import { EmailChannel } from '@app/contracts';
import { emailContent } from '../messages/email-content';
import { ChannelSender, misconfigured, prepared } from './channel-sender';

/** SMTP URLs carry the password: it and the whole URL are scrubbed from errors. */
export function smtpSecrets(smtpUrl: string | undefined): string[] {
  if (!smtpUrl) return [];
  try {
    const url = new URL(smtpUrl);
    return [smtpUrl, url.password, decodeURIComponent(url.password)].filter(Boolean);
  } catch {
    return [smtpUrl];
  }
}

export const sendEmail: ChannelSender<EmailChannel> = (
  { message, channel, idempotencyKey },
  { settings, mailer },
) => {
  const count = channel.to.length;
  const target = `${count} recipient${count === 1 ? '' : 's'}`;
  const secrets = smtpSecrets(settings.smtpUrl);
  if (!settings.smtpUrl)
    return misconfigured(target, 'email is not configured: SMTP_URL is not set');
  if (!/^smtps?:\/\/[^/]/i.test(settings.smtpUrl)) {
    return misconfigured(target, 'SMTP_URL must be an smtp:// or smtps:// URL', secrets);
  }
  const content = emailContent(message);
  return prepared({
    target,
    secrets,
    send: () =>
      mailer().send({
        from: settings.smtpFrom,
        to: channel.to,
        ...content,
        messageId: `<${idempotencyKey}@eventmon>`,
        headers: {
          'X-Eventmon-Incident': message.incident.id,
          'X-Eventmon-Idempotency-Key': idempotencyKey,
        },
      }),
  });
};
