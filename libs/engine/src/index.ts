export { AlertEngine } from './alert-engine';
export * from './engine-types';
export { MISSING_GROUP_KEY, WHOLE_RULE_KEY, MAX_GROUP_KEY_LENGTH } from './rules/group-key';
export { RuleRouter } from './rules/rule-router';
export type { RoutedMatch } from './rules/rule-router';
