import { BadRequestException, Logger, type ArgumentsHost } from '@nestjs/common';
import { lastValueFrom } from 'rxjs';
import { RethrowRpcErrors } from './rethrow-rpc-errors.filter';

/** What the filter answered, through a stand-in for the HTTP adapter. */
function run(exception: unknown, type: 'http' | 'rpc' = 'http') {
  const replies: { body: unknown; status: number }[] = [];
  const adapter = {
    isHeadersSent: () => false,
    reply: (_response: unknown, body: unknown, status: number) => replies.push({ body, status }),
    end: () => undefined,
  };
  const host = {
    getType: () => type,
    getArgByIndex: () => ({}),
    switchToHttp: () => ({ getRequest: () => ({ method: 'POST', url: '/api/v1/things?facility=X' }) }),
  } as unknown as ArgumentsHost;
  const result = new RethrowRpcErrors(adapter as never).catch(exception, host);
  return { replies, result };
}

/** A body-parser refusal as http-errors builds it. */
function parserError(status: number, message: string, type: string): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type });
}

describe('RethrowRpcErrors', () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  it('answers a body parser refusal (413, 415) with its status, logged at warn without the query', () => {
    for (const [status, message, type] of [
      [413, 'request entity too large', 'entity.too.large'],
      [415, 'unsupported charset "LATIN1"', 'charset.unsupported'],
    ] as const) {
      const { replies } = run(parserError(status, message, type));
      expect(replies).toEqual([{ status, body: expect.objectContaining({ statusCode: status, message }) }]);
    }
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn.mock.calls[0][0]).toMatchObject({
      msg: 'http request refused',
      status: 413,
      reason: 'entity.too.large',
      path: '/api/v1/things',
    });
    expect(JSON.stringify(warn.mock.calls)).not.toContain('facility=X');
  });

  it('leaves HttpExceptions and failures as they were: a 400 unlogged, anything else a 500 logged at error', () => {
    expect(run(new BadRequestException('nope')).replies[0].status).toBe(400);
    expect(run(new RangeError('Maximum call stack size exceeded')).replies[0].status).toBe(500);
    // A 5xx http-error, or one not meant for the client, is no client mistake.
    expect(
      run(Object.assign(new Error('db down'), { status: 503, statusCode: 503, expose: false })).replies[0]
        .status,
    ).toBe(503);
    expect(warn).not.toHaveBeenCalled();
    expect(error).toHaveBeenCalledTimes(2);
  });

  it('hands a Kafka handler its own error back', async () => {
    const failure = new Error('permanent');
    const { result } = run(failure, 'rpc');
    await expect(lastValueFrom(result as never)).rejects.toBe(failure);
  });
});
