import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AlertingStatusFollower } from './alerting-status-follower';
import { BacktestService } from './backtest.service';
import { BacktestSlots } from './backtest-slots';
import { RuleTopicSync } from './rule-topic-sync';
import { RuleValidationController } from './rule-validation.controller';
import { RuleValidator } from './rule-validator';
import { RulesController } from './rules.controller';
import { RulesRepository } from './rules.repository';
import { RulesService } from './rules.service';

@Module({
  imports: [AuditModule],
  controllers: [RulesController, RuleValidationController],
  providers: [
    AlertingStatusFollower,
    BacktestService,
    BacktestSlots,
    RulesService,
    RulesRepository,
    RuleValidator,
    RuleTopicSync,
  ],
  // The status summary counts the file rules alerting reports.
  exports: [AlertingStatusFollower],
})
export class RulesModule {}
