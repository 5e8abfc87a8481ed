import { OutgoingEvent } from '../publishing/outgoing-event';
import { EventTemplate } from './event-template';
import { WeightedPicker } from './weighted-picker';

/** The loaded templates, drawn from by weight: what every simulated source publishes. */
export class TemplateCatalog {
  private readonly picker: WeightedPicker<EventTemplate>;

  constructor(readonly templates: readonly EventTemplate[]) {
    this.picker = new WeightedPicker(templates.map((item) => ({ item, weight: item.weight })));
  }

  /** One new event from `source`, keyed by it so a source's events stay on one partition. */
  next(source: string, now: string, random: () => number): OutgoingEvent {
    const template = this.picker.pick(random);
    return { type: template.type, key: source, value: template.render(source, now, random) };
  }
}
