import { DeadLetterSource } from '@app/contracts';

/** A message turned into a row, or the reasons it cannot be one. */
export type MessageDecoding<Row> = { ok: true; row: Row } | { ok: false; reasons: string[] };

/** A decoded row, with the raw message kept in case the database refuses it later. */
export interface AcceptedMessage<Row> {
  readonly row: Row;
  readonly original: DeadLetterSource;
}

/** A row `store` skipped because another row holds its key with different content. */
export interface RowConflict {
  /** Position of the row in the array given to `findConflicts`. */
  index: number;
  reason: string;
}

/** What one committed batch did, for the pipeline's metrics. */
export interface BatchOutcome<Row> {
  messages: number;
  accepted: AcceptedMessage<Row>[];
  /** Rows the statement inserted or changed; the other accepted rows were already there. */
  changed: number;
  /** Dead-lettered because they did not decode (stage validation). */
  rejected: number;
  /** Dead-lettered because decoding them threw (stage decode). */
  undecodable: number;
  /** Dead-lettered because PostgreSQL refused them (stage persistence). */
  poisoned: number;
  /** Dead-lettered because their key is stored with different content (stage conflict). */
  conflicts: number;
  seconds: number;
}

/**
 * What differs from one consumed topic to another. The batch loop (PipelineBatchHandler) does
 * the rest, the same for every topic: decode -> store in one statement -> dead-letter the
 * rest -> commit offsets.
 */
export interface BatchPipeline<Row> {
  /** Names a row in dead-letter reasons: "database refused the <noun>: ...". */
  readonly noun: string;
  decode(message: DeadLetterSource): MessageDecoding<Row>;
  /**
   * Stores the rows in ONE statement, idempotently (a replayed batch changes nothing), and
   * returns how many rows it inserted or changed.
   */
  store(rows: Row[]): Promise<number>;
  /**
   * Called only when `store` changed fewer rows than it was given (the hot path never pays
   * for it): which of the rows, now that they are stored, differ from the stored row of their
   * key. Those are dead-lettered as conflicts; the other skipped rows are true duplicates (a
   * redelivery), which stay silent. A pipeline without it treats every skipped row as a
   * duplicate.
   */
  findConflicts?(rows: Row[]): Promise<RowConflict[]>;
  /** Called once the batch's offsets are committed. */
  recordBatch(outcome: BatchOutcome<Row>): void;
}
