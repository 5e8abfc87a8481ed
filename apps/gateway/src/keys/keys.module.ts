import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { ApiKeysController } from './api-keys.controller';
import { ApiKeysService } from './api-keys.service';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { KeyUsageRecorder } from './key-usage-recorder';
import { ManagedKeyCache } from './managed-key-cache';
import { ManagedKeysRepository } from './managed-keys.repository';
import { WhoAmIController } from './whoami.controller';

/** API keys managed at /api/keys, and /api/whoami; exports the authenticator every way in uses (HTTP guard, sockets). */
@Module({
  imports: [AuditModule],
  controllers: [ApiKeysController, WhoAmIController],
  providers: [
    ApiKeysService,
    ManagedKeysRepository,
    ManagedKeyCache,
    KeyUsageRecorder,
    ApiKeyAuthenticator,
  ],
  exports: [ApiKeyAuthenticator],
})
export class KeysModule {}
