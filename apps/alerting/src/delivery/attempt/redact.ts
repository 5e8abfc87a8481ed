const REDACTED = '[redacted]';
/** Shorter strings would mangle ordinary words; no real secret is this short. */
const MIN_SECRET_LENGTH = 6;
const MAX_ERROR_LENGTH = 500;

/**
 * Removes every secret from a text bound for a log line or a DeliveryRecord. Errors are
 * mostly written by us without secrets; this is the second line of defence for what
 * libraries and receivers put in theirs.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  const ordered = secrets
    .filter((secret) => secret.length >= MIN_SECRET_LENGTH)
    .sort((a, b) => b.length - a.length);
  let scrubbed = text;
  for (const secret of ordered) scrubbed = scrubbed.split(secret).join(REDACTED);
  return scrubbed.length > MAX_ERROR_LENGTH
    ? `${scrubbed.slice(0, MAX_ERROR_LENGTH - 1)}…`
    : scrubbed;
}

/**
 * The secret parts of a URL that is itself a credential (Slack, Discord, Teams): everything
 * after the host, whole and piece by piece, in raw and decoded form.
 */
export function urlSecrets(url: URL): string[] {
  const pieces = [url.href, `${url.pathname}${url.search}`, url.pathname, url.search];
  for (const segment of url.pathname.split('/')) pieces.push(segment, safeDecode(segment));
  for (const [name, value] of url.searchParams) pieces.push(value, `${name}=${value}`);
  if (url.password) pieces.push(url.password, safeDecode(url.password));
  return pieces.filter((piece) => piece.length > 1 && piece !== '/');
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
