import { createCloudEvent } from '../envelope/cloud-event';
import { FhirBundlePayload } from '../events/fhir-bundle/fhir-bundle.payload';
import { AlertPayload } from '../events/alert/alert.payload';
import { validateEvent, validatePayload } from './payload-validation';

const alert = { alertId: 'a-1', severity: 'critical', rule: 'r', message: 'm' };

describe(validatePayload.name, () => {
  it('returns an instance of the class with the data, unknown fields kept', () => {
    const outcome = validatePayload(AlertPayload, { ...alert, addedInV1_1: 'later field' });
    expect(outcome.ok).toBe(true);
    if (outcome.ok) {
      expect(outcome.value).toBeInstanceOf(AlertPayload);
      expect(outcome.value).toMatchObject({ ...alert, addedInV1_1: 'later field' });
    }
  });

  it.each([null, undefined, 'text', 42, [alert]])('rejects %p as not a JSON object', (data) => {
    expect(validatePayload(AlertPayload, data)).toEqual({
      ok: false,
      errors: ['(root): must be a JSON object'],
    });
  });

  it('does not convert types: a number where a string belongs fails', () => {
    expect(validatePayload(AlertPayload, { ...alert, alertId: 7 })).toEqual({
      ok: false,
      errors: ['alertId: isString'],
    });
  });

  it('names paths and constraints, never the values', () => {
    const secret = 'DOE^JANE';
    const outcome = validatePayload(FhirBundlePayload, {
      resourceType: secret,
      type: secret,
      entry: [{ resource: { resourceType: 42, name: secret }, request: { method: secret, url: '' } }],
    });
    expect(outcome).toEqual({
      ok: false,
      errors: [
        'resourceType: equals',
        'type: isIn',
        'entry[0].resource.resourceType: isString',
        'entry[0].request.method: isIn',
        'entry[0].request.url: isNotEmpty',
      ],
    });
    if (!outcome.ok) for (const error of outcome.errors) expect(error).not.toContain('DOE');
  });
});

describe(validateEvent.name, () => {
  const event = (type: string, data: unknown, datacontenttype?: string) =>
    createCloudEvent({ source: '/x', type, data, datacontenttype });

  it('validates typed data and hands back the class instance', () => {
    const outcome = validateEvent(event('org.meridian.alert.v1', alert));
    expect(outcome.ok && outcome.value.data).toBeInstanceOf(AlertPayload);
  });

  it('reports payload errors', () => {
    expect(validateEvent(event('org.meridian.alert.v1', { ...alert, severity: 'bad' }))).toEqual({
      ok: false,
      errors: ['severity: isIn'],
    });
  });

  it('rejects a type that is not registered', () => {
    expect(validateEvent(event('org.meridian.unknown.v1', {}))).toEqual({
      ok: false,
      errors: ['ce_type: not a registered event type'],
    });
  });

  it('rejects a content type other than the registered one, ignoring parameters', () => {
    expect(validateEvent(event('org.meridian.alert.v1', alert, 'text/plain'))).toEqual({
      ok: false,
      errors: ['content-type: not the content type registered for this event type'],
    });
    expect(
      validateEvent(event('org.meridian.alert.v1', alert, 'application/json; charset=utf-8')),
    ).toMatchObject({
      ok: true,
    });
  });

  it('rejects absent data for free-form JSON types', () => {
    expect(validateEvent(event('org.meridian.json.received.v1', null))).toEqual({
      ok: false,
      errors: ['(root): must be present'],
    });
  });
});
