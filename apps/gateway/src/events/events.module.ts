import { Module } from '@nestjs/common';
import { EventPartitions } from './event-partitions';
import { EventsController } from './events.controller';
import { EventsRepository } from './events.repository';
import { EventsService } from './events.service';
import { LegacyEventController } from './legacy-event.controller';
import { listingStatementsProvider } from './listing-statements';

@Module({
  controllers: [EventsController, LegacyEventController],
  providers: [EventsService, EventsRepository, EventPartitions, listingStatementsProvider],
})
export class EventsModule {}
