import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { KeyUsageRecorder } from './key-usage-recorder';
import { ManagedKeyCache } from './managed-key-cache';
import { ManagedKeysRepository } from './managed-keys.repository';

/** API keys managed at /api/keys; exports what the ApiKeyGuard authenticates them with. */
@Module({
  imports: [AuditModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ManagedKeysRepository, ManagedKeyCache, KeyUsageRecorder],
  exports: [ManagedKeyCache, KeyUsageRecorder],
})
export class KeysModule {}
