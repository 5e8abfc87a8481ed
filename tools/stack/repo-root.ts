import { findRepoRoot } from '../infra/repo-root';

/** The checkout's root, found from this file whether it runs from tools/ or dist/tools/. */
export function repoRoot(): string {
  return findRepoRoot(__dirname);
}
