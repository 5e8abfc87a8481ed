import { DeadLetterSource } from '@app/contracts';
import {
  BatchOutcome,
  BatchPipeline,
  MessageDecoding,
  RowConflict,
} from '../../pipelines/batch-pipeline';

/**
 * A pipeline of text rows kept in memory, for unit tests of what drives pipelines. A message
 * "bad" is invalid and "throw" makes decode throw; the database refuses rows starting with
 * "poison" (SQLSTATE 22P02) and skips rows starting with "conflict" (another row holds their
 * key); a row already stored is a duplicate.
 */
export class TextPipeline implements BatchPipeline<string> {
  readonly noun = 'text';
  readonly stored: string[] = [];
  /** Every `store` call's rows, in order. */
  readonly statements: string[][] = [];
  readonly outcomes: BatchOutcome<string>[] = [];
  /** How many of the next `store` calls fail as if the database were down. */
  unavailableFor = 0;

  decode(message: DeadLetterSource): MessageDecoding<string> {
    const text = message.value?.toString() ?? '';
    if (text === 'throw') throw new RangeError('Maximum call stack size exceeded');
    if (text === 'bad') return { ok: false, reasons: ['bad text'] };
    return { ok: true, row: text };
  }

  store(rows: string[]): Promise<number> {
    this.statements.push(rows);
    if (this.unavailableFor > 0) {
      this.unavailableFor--;
      return Promise.reject(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      );
    }
    const poison = rows.find((row) => row.startsWith('poison'));
    if (poison) {
      return Promise.reject(
        Object.assign(new Error(`invalid input syntax: "${poison}"`), { code: '22P02' }),
      );
    }
    const fresh = rows.filter((row) => !row.startsWith('conflict') && !this.stored.includes(row));
    this.stored.push(...fresh);
    return Promise.resolve(fresh.length);
  }

  findConflicts(rows: string[]): Promise<RowConflict[]> {
    return Promise.resolve(
      rows.flatMap((row, index) =>
        row.startsWith('conflict') ? [{ index, reason: `${row} stored with other content` }] : [],
      ),
    );
  }

  recordBatch(outcome: BatchOutcome<string>): void {
    this.outcomes.push(outcome);
  }
}
