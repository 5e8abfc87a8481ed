import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export interface JestSuiteResult {
  name: string;
  passed: number;
  failed: number;
  skipped: number;
  exitCode: number;
}

/** Runs one jest configuration and reads its counts from jest's JSON report. */
export async function runJest(
  repoRoot: string,
  name: string,
  configFile: string,
  extraArgs: string[],
  env: NodeJS.ProcessEnv,
  reportDir: string,
): Promise<JestSuiteResult> {
  const report = join(reportDir, `${name}.json`);
  rmSync(report, { force: true });
  const jest = join(repoRoot, 'node_modules', 'jest', 'bin', 'jest.js');
  const args = [jest, '-c', configFile, '--json', '--outputFile', report, ...extraArgs];
  if (extraArgs.length > 0) args.push('--passWithNoTests');
  const exitCode = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, env, stdio: 'inherit' });
    child.on('exit', (code) => resolve(code ?? 1));
  });
  try {
    const json = JSON.parse(readFileSync(report, 'utf8')) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
      numRuntimeErrorTestSuites: number;
    };
    return {
      name,
      passed: json.numPassedTests,
      // A suite that fails to load has no failed test but must still count as a failure.
      failed: json.numFailedTests + json.numRuntimeErrorTestSuites,
      skipped: json.numPendingTests + json.numTodoTests,
      exitCode,
    };
  } catch {
    return { name, passed: 0, failed: 1, skipped: 0, exitCode: exitCode || 1 };
  }
}

export function summaryLine(label: string, results: JestSuiteResult[]): string {
  const sum = (key: 'passed' | 'failed' | 'skipped') =>
    results.reduce((total, r) => total + r[key], 0);
  const skipped = sum('skipped');
  return `${label}: ${sum('passed')} passed, ${sum('failed')} failed${skipped ? `, ${skipped} skipped` : ''}`;
}
