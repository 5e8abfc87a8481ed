import * as fs from 'node:fs';

/** A file's text, or undefined when it cannot be read (missing, removed meanwhile). */
export function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The last `lines` lines of `text`: what an error message quotes from a log. */
export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
