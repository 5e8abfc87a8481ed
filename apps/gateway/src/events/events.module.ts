import { Module } from '@nestjs/common';
import { EventPartitions } from './event-partitions';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { LegacyEventController } from './legacy-event.controller';

@Module({
  controllers: [EventsController, LegacyEventController],
  providers: [EventsService, EventsRepository, EventPartitions],
})
export class EventsModule {}
