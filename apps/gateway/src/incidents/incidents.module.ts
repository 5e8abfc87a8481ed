import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { LiveIncidentsService } from '../live/live-incidents.service';
import { KeysModule } from '../keys/keys.module';
import { LiveSocketGateway } from '../live/live-socket.gateway';
import { IncidentsController } from './incidents.controller';
import { IncidentsRepository } from './incidents.repository';
import { IncidentsService } from './incidents.service';

@Module({
  imports: [AuditModule, KeysModule],
  controllers: [IncidentsController],
  providers: [IncidentsService, IncidentsRepository, LiveIncidentsService, LiveSocketGateway],
})
export class IncidentsModule {}
