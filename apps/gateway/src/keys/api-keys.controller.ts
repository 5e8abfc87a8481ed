import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Access, CurrentPrincipal, Principal } from '../auth';
import { ApiKeyDto, ApiKeyListDto, CreateApiKeyDto, CreatedApiKeyDto } from './api-keys.dto';
import { ApiKeysService } from './api-keys.service';

@ApiTags('api-keys')
@Controller('api/keys')
@Access('admin')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({
    summary: 'Make an API key; the answer is the only place the key ever appears',
    description:
      'Only its SHA-256 is kept. Every gateway accepts it within about a second. Audited as api-key.created.',
  })
  @ApiCreatedResponse({ type: CreatedApiKeyDto })
  @ApiBadRequestResponse({
    description: 'empty name, unknown role, expiresAt not in the future, or both expiresAt and ttl',
  })
  create(
    @Body() body: CreateApiKeyDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<CreatedApiKeyDto> {
    return this.keys.create(body, principal);
  }

  @Get()
  @ApiOperation({
    summary:
      'Every key that can authenticate, or once could: those of API_KEYS, then the made ones',
    description: 'Never a key itself. Revoked and expired keys stay listed with their state.',
  })
  @ApiOkResponse({ type: ApiKeyListDto })
  async list(): Promise<ApiKeyListDto> {
    return { items: await this.keys.list() };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One key by its id (a UUID, or the principal id of a key of API_KEYS)' })
  @ApiOkResponse({ type: ApiKeyDto })
  @ApiNotFoundResponse({ description: 'no such key' })
  get(@Param('id') id: string): Promise<ApiKeyDto> {
    return this.keys.get(id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke a key: every gateway refuses it within about a second',
    description:
      'The key stays listed as revoked (the audit log names it). Revoking a revoked key is a no-op. Audited as api-key.revoked.',
  })
  @ApiNoContentResponse({ description: 'revoked' })
  @ApiNotFoundResponse({ description: 'no such key' })
  @ApiConflictResponse({
    description:
      'a key of API_KEYS (change API_KEYS instead), or the key this request is authenticated with',
  })
  revoke(@Param('id') id: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    return this.keys.revoke(id, principal);
  }
}
