import type { FhirBundlePayload } from '@meridian/contracts';
import { FhirOperationError, type Bundle } from '@meridian/fhir';
import { answersCommand, errorSummary, isIdempotent, transactionReferences } from './transaction-outcome';

const outcome = {
  resourceType: 'OperationOutcome' as const,
  issue: [{ severity: 'error' as const, code: 'required' }],
};
const failure = (kind: FhirOperationError['kind'], status?: number, withOutcome = false) =>
  new FhirOperationError({
    kind,
    status,
    operation: 'transaction',
    integrationId: 'ehr-1',
    ...(withOutcome ? { outcome } : {}),
  });

describe('transactionReferences', () => {
  it('keeps type, id and version of each location, without the base URL, in entry order', () => {
    const response: Bundle = {
      resourceType: 'Bundle',
      type: 'transaction-response',
      entry: [
        { response: { status: '201 Created', location: 'Patient/123/_history/1' } },
        { response: { status: '200 OK', location: 'https://ehr.example/fhir/R4/Encounter/e-9/_history/4' } },
        { response: { status: '200 OK', location: 'Location/loc.1' } },
        { response: { status: '204 No Content' } },
        { response: { status: '200 OK', location: 'not a reference' } },
      ],
    };
    expect(transactionReferences(response)).toEqual([
      'Patient/123/_history/1',
      'Encounter/e-9/_history/4',
      'Location/loc.1',
    ]);
  });

  it('gives no references for a response without entries', () => {
    expect(transactionReferences({ resourceType: 'Bundle', type: 'transaction-response' })).toEqual([]);
  });
});

describe('isIdempotent', () => {
  const bundle = (...requests: Array<Record<string, string>>): FhirBundlePayload =>
    ({
      resourceType: 'Bundle',
      type: 'transaction',
      entry: requests.map((request) => ({ resource: { resourceType: 'Patient' }, request })),
    }) as unknown as FhirBundlePayload;

  it('accepts conditional and id-addressed PUTs, conditional creates and deletes', () => {
    expect(
      isIdempotent(
        bundle(
          { method: 'PUT', url: 'Patient?identifier=urn:x|1' },
          { method: 'PUT', url: 'Observation/abc' },
          { method: 'POST', url: 'Practitioner', ifNoneExist: 'identifier=urn:npi|1' },
          { method: 'DELETE', url: 'Flag/1' },
        ),
      ),
    ).toBe(true);
  });

  it('refuses a plain POST (a repeat would create a second resource) and PATCH', () => {
    expect(
      isIdempotent(bundle({ method: 'PUT', url: 'Patient/1' }, { method: 'POST', url: 'Patient' })),
    ).toBe(false);
    expect(isIdempotent(bundle({ method: 'PATCH', url: 'Patient/1' }))).toBe(false);
  });
});

describe('answersCommand', () => {
  it('answers conflicts, several matches and refusals that carry an OperationOutcome', () => {
    expect(answersCommand(failure('conflict', 412))).toBe(true);
    expect(answersCommand(failure('multiple-matches', 412))).toBe(true);
    expect(answersCommand(failure('rejected', 400, true))).toBe(true);
  });

  it('leaves refusals without an OperationOutcome, authorisation, transient kinds and other errors to the runtime', () => {
    expect(answersCommand(failure('rejected', 404))).toBe(false);
    expect(answersCommand(failure('unauthorized', 401, true))).toBe(false);
    expect(answersCommand(failure('server-error', 500, true))).toBe(false);
    expect(answersCommand(failure('timeout'))).toBe(false);
    expect(answersCommand(new Error('boom'))).toBe(false);
  });
});

describe('errorSummary', () => {
  it('names the FHIR error kind as the class, and the class name otherwise', () => {
    const conflict = failure('conflict', 409);
    expect(errorSummary(conflict, conflict.message, false)).toEqual({
      class: 'conflict',
      message: 'FHIR transaction for integration ehr-1 failed: HTTP 409 conflict',
      retryable: false,
    });
    expect(errorSummary(new TypeError('x'), 'm', true)).toEqual({
      class: 'TypeError',
      message: 'm',
      retryable: true,
    });
  });
});
