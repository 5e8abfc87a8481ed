import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { Message } from 'kafkajs';
import { Topic } from '@app/contracts';
import { decodeCursor, isTimeAndIdKey, Page, toPage } from '../common/page';
import { timeRangeOf } from '../common/time-range';
import { GatewayConfig } from '../gateway.config';
import { TopicPublisher } from '../kafka/topic-publisher';
import { checkEvent } from './event-intake';
import { EventDto, EventQueryDto } from './events.dto';
import { EventsRepository } from './events.repository';
import { toEventDto } from './event-mapping';

@Injectable()
export class EventsService {
  constructor(
    private readonly events: EventsRepository,
    private readonly publisher: TopicPublisher,
    private readonly config: GatewayConfig,
  ) {}

  /**
   * All or nothing: every event is checked before any is published, so a 400 means none of
   * the request reached Kafka and the client can fix and resend the whole of it.
   */
  async publish(body: unknown): Promise<string[]> {
    const inputs = Array.isArray(body) ? body : [body];
    if (inputs.length === 0) throw new BadRequestException('the array holds no events');
    if (inputs.length > this.config.maxEventsPerRequest) {
      throw new BadRequestException(
        `at most ${this.config.maxEventsPerRequest} events per request, got ${inputs.length}`,
      );
    }
    const now = new Date();
    const ids: string[] = [];
    const messages: Message[] = [];
    const refused: string[] = [];
    inputs.forEach((input, index) => {
      const result = checkEvent(input, now);
      if (result.ok) {
        ids.push(result.event.id);
        messages.push({ key: result.event.source, value: result.json });
      } else {
        refused.push(`event ${index}: ${result.reasons.join('; ')}`);
      }
    });
    if (refused.length > 0) throw new BadRequestException(refused);
    await this.publisher.send(Topic.Events, messages);
    return ids;
  }

  async get(id: string): Promise<EventDto> {
    const event = await this.events.findById(id);
    if (!event) throw new NotFoundException(`no event with id ${id}`);
    return toEventDto(event);
  }

  async list(query: EventQueryDto): Promise<Page<EventDto>> {
    const before = query.cursor ? decodeCursor(query.cursor, isTimeAndIdKey) : undefined;
    const rows = await this.events.list({
      ...timeRangeOf(query),
      type: query.type,
      source: query.source,
      severity: query.severity,
      before: before && { occurredAt: new Date(before[0]), id: before[1] },
      limit: query.limit,
    });
    return toPage(
      rows,
      query.limit,
      (row) => row,
      (row) => [row.occurredAt, row.id],
    );
  }
}
