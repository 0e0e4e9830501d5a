import { STATUS_CODES } from 'node:http';
import { Catch, HttpException, Logger, type ArgumentsHost } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import { throwError } from 'rxjs';

/**
 * Nest's default RPC filter replaces a handler's error with a generic object, which would hide
 * the error class the consumer runtime classifies (permanent → DLQ, transient → retry). Kafka
 * handlers get their error back unchanged; HTTP errors take Nest's usual path, except that a
 * client's mistake caught before any route (below) is logged at warn, not error.
 */
@Catch()
export class RethrowRpcErrors extends BaseExceptionFilter {
  private readonly requests = new Logger('HttpRequests');

  override catch(exception: unknown, host: ArgumentsHost) {
    if (host.getType() === 'rpc') return throwError(() => exception);
    const refused = clientErrorOf(exception);
    if (refused) {
      const request = host.switchToHttp().getRequest<{ method?: string; url?: string }>();
      this.requests.warn({
        msg: 'http request refused',
        status: refused.status,
        reason: refused.reason,
        method: request.method,
        // The path only: a query string is the caller's data.
        path: request.url?.split('?')[0],
      });
      return super.catch(refused.exception, host);
    }
    return super.catch(exception, host);
  }
}

/**
 * The body parser's refusals (http-errors: 413 over the size limit, 415 an unsupported charset or
 * encoding, 400 a body that cannot be inflated) reach the filter as plain errors with a 4xx status
 * the client may see. Nest answered them with that status but logged each at error level, as if the
 * service had failed; here they become the HttpException they are: the same answer, a warning.
 */
function clientErrorOf(
  exception: unknown,
): { exception: HttpException; status: number; reason: string } | undefined {
  if (exception instanceof HttpException || !(exception instanceof Error)) return undefined;
  const { status, expose, type } = exception as Error & {
    status?: unknown;
    expose?: unknown;
    type?: unknown;
  };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return undefined;
  return {
    exception: new HttpException(
      { statusCode: status, error: STATUS_CODES[status] ?? 'Client Error', message: exception.message },
      status,
      { cause: exception },
    ),
    status,
    reason: typeof type === 'string' ? type : 'client error',
  };
}
