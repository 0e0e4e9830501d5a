import { classifyError, PermanentError, safeErrorMessage, TransientError } from './errors';

describe('classifyError', () => {
  it.each([
    [new PermanentError('bad input'), 'permanent'],
    [new TransientError('try later'), 'transient'],
    [Object.assign(new Error('x'), { status: 422 }), 'permanent'],
    [Object.assign(new Error('x'), { status: 429 }), 'transient'],
    [Object.assign(new Error('x'), { statusCode: 503 }), 'transient'],
    [Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'transient'],
    [Object.assign(new Error('x'), { retriable: false }), 'permanent'],
    [new Error('unknown'), 'transient'],
  ])('%p is %s', (error, expected) => {
    expect(classifyError(error)).toBe(expected);
  });
});

describe('safeErrorMessage', () => {
  it('keeps the text of our own errors', () => {
    expect(safeErrorMessage(new PermanentError('PID-3 is missing'))).toBe('PID-3 is missing');
  });

  it('withholds the text of foreign errors, which may carry PHI', () => {
    const message = safeErrorMessage(Object.assign(new TypeError('Doe, John'), { code: 'E1' }));
    expect(message).not.toContain('Doe');
    expect(message).toContain('TypeError code=E1');
  });
});
