import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { RulesModule } from '../rules/rules.module';
import { StatusController } from './status.controller';
import { StatusRepository } from './status.repository';
import { StatusService } from './status.service';

@Module({
  imports: [TerminusModule, RulesModule],
  controllers: [StatusController],
  providers: [StatusService, StatusRepository],
})
export class StatusModule {}
