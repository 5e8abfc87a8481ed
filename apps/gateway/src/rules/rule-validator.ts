import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { AlertRule, decodeRule } from '@app/contracts';
import { checkChannelUrls, EgressPolicy } from '@app/net';
import { GatewayConfig } from '../gateway.config';

/**
 * A rule is accepted only as the alerting app would accept it: the same decoder (every reason
 * listed) and the same egress policy for its channel URLs, so a rule the gateway stores is
 * never one the alerting app refuses.
 */
@Injectable()
export class RuleValidator {
  private readonly logger = new Logger(RuleValidator.name);
  private readonly egress: EgressPolicy;

  constructor(config: GatewayConfig) {
    this.egress = new EgressPolicy({
      allowedHosts: config.notifyAllowedHosts,
      allowedPorts: config.notifyAllowedPorts,
    });
  }

  async validate(input: unknown): Promise<AlertRule> {
    const decoded = decodeRule(input);
    if (!decoded.ok) throw new BadRequestException(decoded.reasons);
    const { reasons, unresolved } = await checkChannelUrls(
      decoded.rule.channels,
      this.egress,
      process.env,
    );
    if (reasons.length > 0) throw new BadRequestException(reasons);
    for (const finding of unresolved) {
      this.logger.warn(`rule ${decoded.rule.id} ${finding}; checked again at send time`);
    }
    return decoded.rule;
  }
}
