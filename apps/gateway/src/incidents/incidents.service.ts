import { Injectable, NotFoundException } from '@nestjs/common';
import { Incident, Topic, withoutChannels } from '@app/contracts';
import { AuditRepository } from '../audit/audit.repository';
import type { Principal } from '../auth';
import { decodeCursor, isTimeAndIdKey, Page, toPage } from '../common/page';
import { timeRangeOf } from '../common/time-range';
import { toEventDto } from '../events/event-mapping';
import { TopicPublisher } from '../kafka/topic-publisher';
import { applyAction, IncidentAction } from './incident-action';
import { toIncident, toIncidentView } from './incident-mapping';
import { IncidentDetailDto, IncidentQueryDto } from './incidents.dto';
import { IncidentsRepository } from './incidents.repository';

@Injectable()
export class IncidentsService {
  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly publisher: TopicPublisher,
    private readonly audit: AuditRepository,
  ) {}

  async list(query: IncidentQueryDto): Promise<Page<Incident>> {
    const before = query.cursor ? decodeCursor(query.cursor, isTimeAndIdKey) : undefined;
    const rows = await this.incidents.list({
      ...timeRangeOf(query),
      status: query.status,
      severity: query.severity,
      ruleId: query.rule,
      before: before && { openedAt: new Date(before[0]), id: before[1] },
      limit: query.limit,
    });
    return toPage(rows, query.limit, toIncidentView, (row) => [row.openedAt.toISOString(), row.id]);
  }

  async get(id: string): Promise<IncidentDetailDto> {
    const row = await this.incidents.findById(id);
    if (!row) throw new NotFoundException(`no incident with id ${id}`);
    const [events, deliveries] = await Promise.all([
      this.incidents.eventsByIds(row.eventIds),
      this.incidents.deliveriesOf(id),
    ]);
    const stored = new Set(events.map((event) => event.id));
    return {
      ...toIncidentView(row),
      events: events.map(toEventDto),
      missingEventIds: row.eventIds.filter((eventId) => !stored.has(eventId)),
      deliveries: deliveries.map((d) => ({
        id: d.id,
        kind: d.kind,
        channelType: d.channelType,
        channelIndex: d.channelIndex,
        target: d.target,
        attempt: d.attempt,
        maxAttempts: d.maxAttempts,
        outcome: d.outcome,
        statusCode: d.statusCode,
        error: d.error,
        durationMs: d.durationMs,
        at: d.at.toISOString(),
      })),
    };
  }

  /**
   * The row is locked, changed and audited, then the message is published, then the
   * transaction commits. Kafka refusing the message rolls the change back (503, nothing
   * half-done). Should the commit fail after the publish, the consumer applies the same
   * message from `notifications` to the row: the two converge either way.
   */
  act(id: string, action: IncidentAction, principal: Principal, note?: string): Promise<Incident> {
    return this.incidents.transaction(async (manager) => {
      const row = await this.incidents.findForUpdate(manager, id);
      if (!row) throw new NotFoundException(`no incident with id ${id}`);
      const before = toIncident(row);
      const now = new Date();
      const message = applyAction(before, action, principal.id, now);
      if (!message) return withoutChannels(before);
      await this.incidents.saveTransition(manager, message.incident, now);
      await this.audit.record(
        {
          actor: principal,
          action: message.kind,
          targetType: 'incident',
          targetId: id,
          before: { status: before.status },
          after: { status: message.incident.status, ...(note ? { note } : {}) },
        },
        manager,
      );
      await this.publisher.send(Topic.Notifications, [{ key: id, value: JSON.stringify(message) }]);
      // The published message keeps the channels (alerting notifies them); the answer does not.
      return withoutChannels(message.incident);
    });
  }
}
