import { randomUUID } from 'node:crypto';
import { Severity } from '@app/contracts';
import { renderJson } from './json-writer';
import { JsonText, randomFloat, RenderContext } from './placeholders';

/** A metric-like event carries a `value` drawn uniformly from this range. */
export interface ValueRange {
  min: number;
  max: number;
  decimals: number;
}

export interface EventTemplateSpec {
  /** Position in the file, for messages. */
  index: number;
  type: string;
  severity: Severity;
  /** Relative frequency among the templates. */
  weight: number;
  value?: ValueRange;
  /** Compiled JSON text of the payload. */
  payload?: JsonText;
}

/** One kind of simulated event, compiled once; renders version-1 event JSON per call. */
export class EventTemplate {
  readonly index: number;
  readonly type: string;
  readonly severity: Severity;
  readonly weight: number;
  private readonly value: ValueRange | undefined;
  private readonly payload: JsonText | undefined;
  // The fixed middle of every event of this template, serialised once.
  private readonly typeJson: string;

  constructor(spec: EventTemplateSpec) {
    this.index = spec.index;
    this.type = spec.type;
    this.severity = spec.severity;
    this.weight = spec.weight;
    this.value = spec.value;
    this.payload = spec.payload;
    this.typeJson = `,"type":${JSON.stringify(spec.type)},"severity":"${spec.severity}"`;
  }

  /** The Kafka message value of one new event with a fresh id; `now` is ISO-8601. */
  render(source: string, now: string, random: () => number): string {
    let json = `{"id":"${randomUUID()}"${this.typeJson},"source":${JSON.stringify(source)},"occurredAt":"${now}"`;
    if (this.value) {
      const { min, max, decimals } = this.value;
      json += `,"value":${randomFloat(min, max, decimals, random)}`;
    }
    if (this.payload !== undefined) {
      const context: RenderContext = { source, type: this.type, now, random };
      json += `,"payload":${renderJson(this.payload, context)}`;
    }
    return `${json}}`;
  }
}
