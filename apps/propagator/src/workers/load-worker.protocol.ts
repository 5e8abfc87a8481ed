import { PublishTotals } from '../services/publish-pipeline';
import { LoadShare } from './load-share';

/** workerData of a load worker thread. */
export interface LoadWorkerData {
  index: number;
  /** The validated PropagatorConfig's values (a structured clone drops the class). */
  config: Record<string, unknown>;
  share: LoadShare;
}

/** Main thread -> worker. */
export type ToLoadWorker = { kind: 'stop' };

/** What a worker reports: deltas since its previous report, plus its running totals. */
export interface LoadWorkerStats {
  published: Record<string, number>;
  sendErrors: number;
  sendSeconds: number[];
  inFlightDelta: number;
  generated: number;
  totals: PublishTotals;
}

/** Worker -> main thread. */
export type FromLoadWorker =
  /** Connected: generation starts now (thread start-up and connecting take about a second). */
  | { kind: 'started' }
  | { kind: 'stats'; stats: LoadWorkerStats }
  /** Final report: `completed` when its whole count was delivered, `flushed` when nothing was left pending. */
  | { kind: 'done'; stats: LoadWorkerStats; completed: boolean; flushed: boolean }
  | { kind: 'failed'; error: string };
