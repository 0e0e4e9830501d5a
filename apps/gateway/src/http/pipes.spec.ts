import { BadRequestException, type ArgumentMetadata } from '@nestjs/common';
import { jsonProblems, MAX_JSON_DEPTH, parameterProblems, RequestInputPipe, uuid } from './pipes';

const nested = (depth: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
};

/** The 400's problems, or undefined if the pipe let the value through. */
function refusal(run: () => unknown): unknown {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestException);
    return ((error as BadRequestException).getResponse() as { message: unknown }).message;
  }
}

describe('jsonProblems', () => {
  it('passes an ordinary body', () => {
    expect(jsonProblems({ facility: 'GOODHEALTH', tags: ['a', 'b'], n: 3, nested: nested(10) })).toEqual([]);
  });

  it('refuses nesting past the limit, without recursion (5,000 levels, the probe’s body)', () => {
    expect(jsonProblems(nested(MAX_JSON_DEPTH))).toEqual([]);
    expect(jsonProblems(nested(MAX_JSON_DEPTH + 1))).toEqual([
      `body: nested deeper than ${MAX_JSON_DEPTH} levels`,
    ]);
    expect(jsonProblems(JSON.parse('['.repeat(5000) + ']'.repeat(5000)))).toEqual([
      `body: nested deeper than ${MAX_JSON_DEPTH} levels`,
    ]);
  });

  it('names where a NUL or a lone surrogate sits, in values and property names, never the value', () => {
    const problems = jsonProblems({
      facility: 'A\u0000B',
      connection: { endpoint: 'x', authentication: { scope: ['ok', 'bad\u0000'] } },
      description: 'half \ud800 a pair',
      ['key\u0000']: 1,
    });
    expect(problems).toEqual([
      'body: a property name must not contain NUL (U+0000) characters',
      'facility: must not contain NUL (U+0000) characters',
      'connection.authentication.scope[1]: must not contain NUL (U+0000) characters',
      'description: must be valid Unicode (a lone surrogate)',
    ]);
    expect(problems.join()).not.toContain('bad');
    expect(jsonProblems({ emoji: '\ud83d\ude00' })).toEqual([]);
  });
});

describe('parameterProblems', () => {
  it('passes ordinary values and absent ones', () => {
    expect(parameterProblems('facility', 'GOOD HEALTH é')).toEqual([]);
    expect(parameterProblems('facility', undefined)).toEqual([]);
  });

  it('names a parameter with a control character, given twice, or given as an object', () => {
    expect(parameterProblems('jobId', '\u0000')).toEqual([
      'jobId: must not contain control characters (such as NUL)',
    ]);
    expect(parameterProblems('conflictId', 'a\u0000b')).toHaveLength(1);
    expect(parameterProblems('facility', 'a\tb')).toHaveLength(1);
    expect(parameterProblems('status', ['open', 'resolved'])).toEqual(['status: give it once']);
    expect(parameterProblems('limit', { a: '1' })).toEqual(['limit: must be a single value']);
  });
});

describe('RequestInputPipe', () => {
  const pipe = new RequestInputPipe();
  const meta = (type: ArgumentMetadata['type'], data?: string): ArgumentMetadata => ({ type, data });

  it('checks path and query parameters, one by name or all of @Query()', () => {
    expect(refusal(() => pipe.transform('a\u0000b', meta('param', 'conflictId')))).toEqual([
      'conflictId: must not contain control characters (such as NUL)',
    ]);
    expect(refusal(() => pipe.transform({ facility: '\u0000', limit: '5' }, meta('query')))).toEqual([
      'facility: must not contain control characters (such as NUL)',
    ]);
    expect(pipe.transform('GOODHEALTH', meta('query', 'facility'))).toBe('GOODHEALTH');
  });

  it('checks bodies, and leaves anything else alone', () => {
    expect(refusal(() => pipe.transform(nested(5000), meta('body')))).toEqual([
      `body: nested deeper than ${MAX_JSON_DEPTH} levels`,
    ]);
    expect(pipe.transform('a\u0000b', meta('custom'))).toBe('a\u0000b');
  });
});

describe('uuid', () => {
  it('passes a UUID v4 and names the parameter otherwise', () => {
    const id = 'c2d4e6f8-1a3b-4c5d-8e7f-9a0b1c2d3e4f';
    expect(uuid.transform(id, { type: 'param', data: 'id' })).toBe(id);
    expect(refusal(() => uuid.transform('not-a-uuid', { type: 'param', data: 'secretId' }))).toEqual([
      'secretId: must be a UUID',
    ]);
  });
});
