import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access, ANY_ROLE, CurrentPrincipal, Principal } from '../auth';
import { WhoAmIDto } from './api-keys.dto';
import { ManagedKeysRepository } from './managed-keys.repository';

/** Who the caller's key stands for, so a client (the dashboard) can show it and offer what its role allows. */
@ApiTags('api-keys')
@Controller('api/whoami')
export class WhoAmIController {
  constructor(private readonly keys: ManagedKeysRepository) {}

  @Get()
  @Access(ANY_ROLE)
  @ApiOperation({
    summary: "The caller's principal id, key name and role (any valid key)",
    description: 'Never the key itself. 401 without a valid key, like every other route.',
  })
  @ApiOkResponse({ type: WhoAmIDto })
  async whoami(@CurrentPrincipal() principal: Principal): Promise<WhoAmIDto> {
    // Only made keys have a name; the row is read here, not kept with every principal, since
    // this route is asked once per page load while the principal is built on every request.
    const row = principal.keyId ? await this.keys.findById(principal.keyId) : undefined;
    return { id: principal.id, name: row?.name ?? null, role: principal.role };
  }
}
