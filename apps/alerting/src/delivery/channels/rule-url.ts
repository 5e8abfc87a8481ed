import { urlSecrets } from '../attempt/redact';
import { SenderDeps } from './channel-sender';

export type RuleUrl =
  | { ok: true; url: URL; target: string; secrets: string[] }
  | { ok: false; target: string; error: string; secrets: string[] };

/**
 * A URL a rule points at, written into it or named by an env var, checked against the
 * egress policy. IP literals are refused here (a connection to one never runs the guarded
 * lookup); names are checked again at every connection. Errors never echo the URL or the env
 * value: for chat channels the URL is the credential.
 */
export function resolveRuleUrl(
  label: string,
  url: string | undefined,
  urlEnv: string | undefined,
  deps: SenderDeps,
): RuleUrl {
  const fromEnv = url === undefined && urlEnv !== undefined;
  const text = fromEnv ? deps.settings.env[urlEnv] : url;
  const source = fromEnv ? `the ${label} URL in env ${urlEnv}` : `the ${label} URL`;
  if (text === undefined || text.trim() === '') {
    return {
      ok: false,
      target: fromEnv ? `env ${urlEnv}` : label,
      error: fromEnv ? `env ${urlEnv} (the ${label} URL) is not set` : `${source} is missing`,
      secrets: [],
    };
  }
  let parsed: URL;
  try {
    parsed = new URL(text.trim());
  } catch {
    return { ok: false, target: label, error: `${source} is not a valid URL`, secrets: [text] };
  }
  const secrets = [text, ...urlSecrets(parsed)];
  const shape = deps.egress.checkUrlShape(parsed);
  if (!shape.ok) {
    return {
      ok: false,
      target: parsed.hostname,
      error: `${source} is refused: ${shape.reasons.join('; ')}`,
      secrets,
    };
  }
  return { ok: true, url: parsed, target: parsed.hostname, secrets };
}
