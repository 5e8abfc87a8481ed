/**
 * Publish-to-incident split into stages: each probe event is stamped where it passes, and the
 * table gives each stage's p50, p99 and max, so a tail is placed in the stage that holds it.
 */
import { percentile } from './support';

/** Epoch ms at each point a probe passes; NaN where a stamp is missing. */
export interface ProbeStamps {
  /** The probe handed its event to its producer. */
  sent: number;
  /** The broker appended the event (LogAppendTime from the produce response). */
  appended: number;
  /** The probe's producer got the acknowledgement (informational: not on the way). */
  acknowledged: number;
  /** The fetch response holding the event reached alerting (its header). */
  fetched: number;
  /** Alerting began evaluating the event's batch (the lifecycle message's `at`). */
  evaluating: number;
  /** Alerting finished the batch and handed its incident to the producer (its header). */
  evaluated: number;
  /** The broker appended the incident to `notifications` (LogAppendTime). */
  incidentAppended: number;
  /** The probe's watcher read the incident. */
  read: number;
}

type Stamp = keyof ProbeStamps;

export interface Stage {
  name: string;
  from: Stamp;
  to: Stamp;
}

/** On the way, in order: these add up to the total. */
export const STAGES: readonly Stage[] = [
  { name: 'publish -> event appended', from: 'sent', to: 'appended' },
  { name: 'event appended -> fetched by alerting', from: 'appended', to: 'fetched' },
  { name: 'fetched -> evaluation began', from: 'fetched', to: 'evaluating' },
  { name: 'evaluation began -> evaluated', from: 'evaluating', to: 'evaluated' },
  { name: 'evaluated -> incident appended', from: 'evaluated', to: 'incidentAppended' },
  { name: 'incident appended -> read by probe', from: 'incidentAppended', to: 'read' },
];

export const TOTAL: Stage = { name: 'publish -> incident read (total)', from: 'sent', to: 'read' };
const PROBE_ACK: Stage = {
  name: '(publish -> event acknowledged)',
  from: 'sent',
  to: 'acknowledged',
};

export const durationOf = (probe: ProbeStamps, stage: Stage): number =>
  probe[stage.to] - probe[stage.from];

export interface StageRow {
  name: string;
  p50: number;
  p99: number;
  max: number;
  /** Probes with both stamps. */
  count: number;
}

export function stageRows(probes: readonly ProbeStamps[]): StageRow[] {
  return [...STAGES, TOTAL, PROBE_ACK].map((stage) => {
    const sorted = probes
      .map((probe) => durationOf(probe, stage))
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    return {
      name: stage.name,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      max: percentile(sorted, 100),
      count: sorted.length,
    };
  });
}

/** The stage that took the longest for this probe, and how long. */
export function slowestStage(probe: ProbeStamps): { stage: Stage; ms: number } {
  let slowest = { stage: STAGES[0], ms: -Infinity };
  for (const stage of STAGES) {
    const ms = durationOf(probe, stage);
    if (ms > slowest.ms) slowest = { stage, ms };
  }
  return slowest;
}

/** The table as printed: one line per stage, milliseconds. */
export function formatStageTable(rows: readonly StageRow[]): string[] {
  const width = Math.max(...rows.map((row) => row.name.length));
  const cell = (ms: number) => (Number.isFinite(ms) ? `${ms}`.padStart(6) : '   n/a');
  return [
    `  ${'stage'.padEnd(width)}     p50    p99    max  (ms)`,
    ...rows.map(
      (row) => `  ${row.name.padEnd(width)}  ${cell(row.p50)} ${cell(row.p99)} ${cell(row.max)}`,
    ),
  ];
}
