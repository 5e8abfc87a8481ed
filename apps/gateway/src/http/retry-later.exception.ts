import { ServiceUnavailableException } from '@nestjs/common';

/**
 * A 503 that tells the client when to retry: the gateway's global filter answers it with
 * `Retry-After: retryAfterSeconds`, which clients and load balancers know to honour.
 */
export class RetryLaterException extends ServiceUnavailableException {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
