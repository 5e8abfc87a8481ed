import {
  BadRequestException,
  Injectable,
  NotFoundException,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { Kafka } from 'kafkajs';
import { isNestedDeeperThan, Topic } from '@app/contracts';
import { ensureTopics, TopicFollower } from '@app/kafka';
import { AuditRepository } from '../audit/audit.repository';
import type { Principal } from '../auth';
import { checkEvent } from '../events/event-intake';
import { GatewayConfig } from '../gateway.config';
import { MAX_BODY_DEPTH } from '../http/body-depth';
import { TopicPublisher } from '../kafka/topic-publisher';
import { DeadLetter, DeadLetterTail, toDeadLetter } from './dead-letter-tail';
import { DeadLetterDto, ReplayDto, ReplayedDto } from './dead-letters.dto';

const KEPT_RECORDS = 1000;
const KEPT_BYTES = 32 * 1024 * 1024;
/** Value text shown per record in the list; the whole value is what a replay sends. */
const SHOWN_VALUE_CHARS = 4096;

/**
 * `events.dlq` as the gateway sees it: every process follows the topic and keeps its newest
 * records (bounded), so the list answers from memory and a replay re-publishes the exact bytes,
 * or a correction the operator supplies, checked like any event posted to the API.
 */
@Injectable()
export class DeadLettersService implements OnModuleInit, OnApplicationShutdown {
  private readonly tail = new DeadLetterTail(KEPT_RECORDS, KEPT_BYTES);
  private follower?: TopicFollower;

  constructor(
    private readonly kafka: Kafka,
    private readonly config: GatewayConfig,
    private readonly publisher: TopicPublisher,
    private readonly audit: AuditRepository,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureTopics(this.kafka, [Topic.EventsDlq], { prefix: this.config.kafkaTopicPrefix });
    this.follower = new TopicFollower(this.kafka, {
      topic: this.publisher.topic(Topic.EventsDlq),
      groupPrefix: `${this.config.kafkaTopicPrefix}gateway-dlq`,
      onMessage: (message, partition) => this.tail.add(toDeadLetter(message, partition)),
    });
    await this.follower.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.follower?.stop();
  }

  list(limit: number): DeadLetterDto[] {
    return this.tail.newest(limit).map(toDeadLetterDto);
  }

  async replay(request: ReplayDto, principal: Principal): Promise<ReplayedDto> {
    const unknown = request.ids.filter((id) => !this.tail.get(id));
    if (unknown.length > 0) {
      throw new NotFoundException(
        `no dead letter ${unknown.join(', ')} among the newest ${KEPT_RECORDS} (GET /api/dlq lists them)`,
      );
    }
    const corrections = request.corrections ?? {};
    const stray = Object.keys(corrections).filter((id) => !request.ids.includes(id));
    if (stray.length > 0)
      throw new BadRequestException(`corrections for ids not replayed: ${stray.join(', ')}`);
    const now = new Date();
    const refused: string[] = [];
    const ready = request.ids.map((id) => {
      const record = this.tail.get(id)!;
      const body = id in corrections ? corrections[id] : parseValue(record);
      const checked = checkEvent(body, now);
      if (!checked.ok) refused.push(`${id}: ${checked.reasons.join('; ')}`);
      return { record, checked };
    });
    if (refused.length > 0) {
      throw new BadRequestException([
        ...refused,
        'send a corrected event for each of these in "corrections"',
      ]);
    }
    const accepted = ready.map(({ checked }) => (checked.ok ? checked : undefined)!);
    const events = accepted.map(({ event }) => event);
    await this.publisher.send(
      Topic.Events,
      accepted.map(({ event, json }) => ({ key: event.source, value: json })),
    );
    for (const [index, { record }] of ready.entries()) {
      await this.audit.record({
        actor: principal,
        action: 'dlq.replayed',
        targetType: 'dead-letter',
        targetId: record.id,
        before: { reasons: record.reasons, stage: record.stage },
        after: { eventId: events[index].id, corrected: record.id in corrections },
      });
    }
    return {
      replayed: ready.map(({ record }, index) => ({ id: record.id, eventId: events[index].id })),
    };
  }
}

function parseValue(record: DeadLetter): unknown {
  if (!record.value) return null;
  // Parsed, a poison value nested thousands deep would overflow the stack of whatever walks
  // it next; as text, checkEvent refuses it with a reason and asks for a correction.
  if (isNestedDeeperThan(record.value, MAX_BODY_DEPTH)) return record.value.toString('utf8');
  try {
    return JSON.parse(record.value.toString('utf8'));
  } catch {
    return record.value.toString('utf8');
  }
}

function toDeadLetterDto(record: DeadLetter): DeadLetterDto {
  const text = record.value ? record.value.toString('utf8') : null;
  return {
    id: record.id,
    reasons: record.reasons,
    stage: record.stage,
    originalTopic: record.originalTopic,
    originalPartition: record.originalPartition,
    originalOffset: record.originalOffset,
    failedAt: record.failedAt,
    service: record.service,
    key: record.key,
    valueBytes: record.value?.length ?? 0,
    value: text && text.length > SHOWN_VALUE_CHARS ? `${text.slice(0, SHOWN_VALUE_CHARS)}…` : text,
  };
}
