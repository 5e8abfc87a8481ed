import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Access } from '../auth';
import { RuleValidator } from './rule-validator';
import { RULE_EXAMPLE } from './rules.dto';
import { newRuleInput } from './rules.service';

export class RuleValidityDto {
  @ApiProperty({ example: false }) valid: boolean;
  @ApiPropertyOptional({
    type: [String],
    description: 'only when not valid: every reason, as POST /api/rules would give them',
    example: ['"window.seconds" must be an integer between 1 and 86400, got 0'],
  })
  reasons?: string[];
}

/**
 * Asks whether POST /api/rules would accept a rule, without storing or publishing anything:
 * the dashboard's rule form checks as the user types and shows the API's own reasons. A
 * refusal is the answer here, not an error, so it is a 200.
 */
@ApiTags('rules')
@Controller('api/rules')
export class RuleValidationController {
  constructor(private readonly validator: RuleValidator) {}

  @Post('validate')
  @HttpCode(200)
  @Access('read')
  @ApiOperation({
    summary: 'Check a rule as POST /api/rules would (decoder and egress policy); stores nothing',
  })
  @ApiBody({
    description: 'a rule as POST /api/rules takes it',
    schema: { type: 'object', example: RULE_EXAMPLE },
  })
  @ApiOkResponse({ type: RuleValidityDto })
  async validate(@Body() body: unknown): Promise<RuleValidityDto> {
    let input: Record<string, unknown>;
    try {
      input = newRuleInput(body);
    } catch (error) {
      if (error instanceof BadRequestException) return { valid: false, reasons: [error.message] };
      throw error;
    }
    const checked = await this.validator.check(input);
    return checked.ok ? { valid: true } : { valid: false, reasons: checked.reasons };
  }
}
