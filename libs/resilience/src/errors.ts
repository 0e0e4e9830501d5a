/**
 * Error classification for consumers. Permanent errors (bad input, broken rule) go to the dead
 * letter topic at once; transient ones (timeouts, 5xx, lost connections) are retried, bounded.
 *
 * Messages of our own error classes must never contain PHI: they travel in DLQ headers and logs.
 * Messages of foreign errors might (a driver echoing a value back), so they are withheld.
 */
export type ErrorClass = 'permanent' | 'transient';

export class PermanentError extends Error {
  override readonly name: string = 'PermanentError';
}

export class TransientError extends Error {
  override readonly name: string = 'TransientError';
}

/**
 * The record is fine but its target cannot take it now (an open circuit breaker, a partner asking to
 * wait): a consumer should hold the partition and try the same record again after `retryAfterMs`,
 * without counting an attempt and without dead-lettering it, so nothing is lost while the target
 * is down and the backlog drains in order when it returns.
 */
export class RetryLaterError extends TransientError {
  override readonly name: string = 'RetryLaterError';

  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  status?: unknown;
  statusCode?: unknown;
  retriable?: unknown;
}

export function classifyError(error: unknown): ErrorClass {
  if (error instanceof PermanentError) return 'permanent';
  if (error instanceof TransientError) return 'transient';
  if (typeof error !== 'object' || error === null) return 'transient';
  const shape = error as ErrorShape;
  const status = Number(shape.status ?? shape.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return 'permanent';
  }
  if (typeof shape.retriable === 'boolean') return shape.retriable ? 'transient' : 'permanent';
  if (typeof shape.code === 'string' && TRANSIENT_SYSTEM_CODES.has(shape.code)) return 'transient';
  // Unknown failures are retried (bounded) before the DLQ: safer than dropping a record a second
  // try would have processed.
  return 'transient';
}

/** The error's class name, safe for metric labels and headers. */
export function errorClassName(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name || 'Error';
  return typeof error;
}

/** A description safe to log and to put in a DLQ header (see the module comment). */
export function safeErrorMessage(error: unknown): string {
  if (error instanceof PermanentError || error instanceof TransientError) return truncate(error.message);
  const shape = (typeof error === 'object' && error !== null ? error : {}) as ErrorShape;
  const parts = [errorClassName(error)];
  if (typeof shape.code === 'string' || typeof shape.code === 'number') parts.push(`code=${shape.code}`);
  const status = shape.status ?? shape.statusCode;
  if (typeof status === 'number') parts.push(`status=${status}`);
  return `${parts.join(' ')} (message withheld: foreign error text may carry PHI)`;
}

function truncate(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
