import { Catch, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { throwError } from 'rxjs';

/**
 * Nest's default RPC filter replaces a handler's error with a generic object, which would hide
 * the error class the consumer runtime classifies (permanent → DLQ, transient → retry). Kafka
 * handlers get their error back unchanged; HTTP errors take Nest's usual path.
 */
@Catch()
export class RethrowRpcErrors extends BaseExceptionFilter {
  override catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() === 'rpc') return throwError(() => exception);
    return super.catch(exception, host);
  }
}
