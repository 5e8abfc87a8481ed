import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { AlertRule, decodeRule } from '@app/contracts';

export class RuleFileError extends Error {}

/**
 * Reads predefined rules from a YAML or JSON file: a list of rules, or `{ rules: [...] }`.
 * The whole file is refused when any rule is invalid, the way Prometheus refuses a bad rule
 * file: starting with half the rules an operator wrote would hide the mistake.
 */
export function loadRuleFile(path: string): AlertRule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RuleFileError(`cannot read rules file ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    // YAML is a superset of JSON, so one parser reads both.
    document = parse(text);
  } catch (error) {
    throw new RuleFileError(
      `rules file ${path} is not valid YAML/JSON: ${(error as Error).message}`,
    );
  }
  const list = Array.isArray(document)
    ? document
    : typeof document === 'object' && document !== null && 'rules' in document
      ? document.rules
      : undefined;
  if (!Array.isArray(list)) {
    throw new RuleFileError(`rules file ${path} must hold a list of rules or { rules: [...] }`);
  }
  const problems: string[] = [];
  const rules: AlertRule[] = [];
  const seen = new Set<string>();
  list.forEach((entry, index) => {
    const decoded = decodeRule(entry);
    const label = `rule ${index + 1}${isNamed(entry) ? ` (${entry.id})` : ''}`;
    if (!decoded.ok) {
      problems.push(...decoded.reasons.map((reason) => `${label}: ${reason}`));
    } else if (seen.has(decoded.rule.id)) {
      problems.push(`${label}: duplicate id ${decoded.rule.id}`);
    } else {
      seen.add(decoded.rule.id);
      rules.push(decoded.rule);
    }
  });
  if (problems.length > 0) {
    throw new RuleFileError(`rules file ${path} is invalid:\n  - ${problems.join('\n  - ')}`);
  }
  return rules;
}

function isNamed(entry: unknown): entry is { id: string } {
  return (
    typeof entry === 'object' &&
    entry !== null &&
    typeof (entry as { id?: unknown }).id === 'string'
  );
}
