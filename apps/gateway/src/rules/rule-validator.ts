import { BadRequestException, Injectable, Logger } from '@nestjs/common';
import { AlertRule, decodeRule, RuleDecodeResult } from '@app/contracts';
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

  /** The rule, or a 400 that lists every reason it is refused. */
  async validate(input: unknown): Promise<AlertRule> {
    const checked = await this.check(input);
    if (!checked.ok) throw new BadRequestException(checked.reasons);
    return checked.rule;
  }

  /** The same verdict as validate, as a value: for asking whether a rule would be accepted. */
  async check(input: unknown): Promise<RuleDecodeResult> {
    const decoded = decodeRule(input);
    if (!decoded.ok) return decoded;
    const { reasons, unresolved } = await checkChannelUrls(
      decoded.rule.channels,
      this.egress,
      process.env,
    );
    if (reasons.length > 0) return { ok: false, reasons };
    for (const finding of unresolved) {
      this.logger.warn(`rule ${decoded.rule.id} ${finding}; checked again at send time`);
    }
    return decoded;
  }
}
