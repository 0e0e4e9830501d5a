import { CE, CONTENT_TYPE } from '../headers/header-names';
import {
  createCloudEvent,
  decodeCloudEvent,
  encodeCloudEvent,
  headersToStrings,
  type CloudEvent,
  type RawHeaders,
} from './cloud-event';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// A payload that stands in for PHI: no failure reason may contain any part of it.
const PHI = 'DOE^JANE 1980-01-01';

function jsonEvent(data: unknown = { patient: PHI }): CloudEvent {
  return createCloudEvent({ source: '/meridian/test', type: 'org.meridian.test.v1', data });
}

function validHeaders(): Record<string, string> {
  return encodeCloudEvent(jsonEvent()).headers;
}

describe(createCloudEvent.name, () => {
  it('fills id, time, specversion and a JSON content type for an unregistered type', () => {
    const before = Date.now();
    const event = jsonEvent();
    expect(event.id).toMatch(UUID);
    expect(event.specversion).toBe('1.0');
    expect(event.datacontenttype).toBe('application/json');
    expect(Date.parse(event.time)).toBeGreaterThanOrEqual(before);
    expect(Object.keys(event).sort()).toEqual([
      'data',
      'datacontenttype',
      'id',
      'source',
      'specversion',
      'time',
      'type',
    ]);
  });

  it('takes the content type registered for the event type', () => {
    const event = createCloudEvent({
      source: '/x',
      type: 'org.meridian.hl7.v2.received.v1',
      data: 'MSH|^~\\&|',
    });
    expect(event.datacontenttype).toBe('x-application/hl7-v2+er7');
  });

  it('keeps given values and optional attributes, and drops empty optional ones', () => {
    const event = createCloudEvent({
      id: 'id-1',
      time: '2025-01-14T08:30:00Z',
      datacontenttype: 'text/plain',
      source: '/x',
      type: 't',
      subject: 'Patient/1',
      correlationid: 'c-1',
      causationid: '',
      data: 'hello',
    });
    expect(event).toEqual({
      id: 'id-1',
      time: '2025-01-14T08:30:00Z',
      datacontenttype: 'text/plain',
      specversion: '1.0',
      source: '/x',
      type: 't',
      subject: 'Patient/1',
      correlationid: 'c-1',
      data: 'hello',
    });
  });

  it('throws on an envelope no consumer could decode, naming attributes only', () => {
    expect(() => createCloudEvent({ source: '', type: 't', data: {} })).toThrow(
      /source must be a non-empty string/,
    );
    expect(() => createCloudEvent({ source: '/x', type: 't', time: '14/01/2025', data: {} })).toThrow(
      /time must be an RFC 3339 timestamp/,
    );
  });
});

describe(encodeCloudEvent.name, () => {
  it('writes every attribute as a string ce_ header and the content type as content-type', () => {
    const event = createCloudEvent({
      id: 'id-1',
      time: '2025-01-14T08:30:00Z',
      source: '/meridian/transformer',
      type: 'org.meridian.test.v1',
      subject: 's',
      dataschema: 'https://example.org/schema',
      correlationid: 'corr',
      causationid: 'cause',
      integrationid: 'int-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      data: { a: 1 },
    });
    expect(encodeCloudEvent(event).headers).toEqual({
      [CE.id]: 'id-1',
      [CE.source]: '/meridian/transformer',
      [CE.type]: 'org.meridian.test.v1',
      [CE.specversion]: '1.0',
      [CE.time]: '2025-01-14T08:30:00Z',
      [CE.subject]: 's',
      [CE.dataschema]: 'https://example.org/schema',
      [CE.correlationId]: 'corr',
      [CE.causationId]: 'cause',
      [CE.integrationId]: 'int-1',
      [CE.traceparent]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      [CONTENT_TYPE]: 'application/json',
    });
  });

  it('serialises JSON data, JSON strings included', () => {
    expect(encodeCloudEvent(jsonEvent({ a: [1, 'x'] })).value.toString('utf8')).toBe('{"a":[1,"x"]}');
    expect(encodeCloudEvent(jsonEvent('plain')).value.toString('utf8')).toBe('"plain"');
    expect(encodeCloudEvent(jsonEvent(null)).value.toString('utf8')).toBe('null');
  });

  it('writes text as UTF-8 bytes and Buffers as they are', () => {
    const text = createCloudEvent({ source: '/x', type: 't', datacontenttype: 'text/plain', data: 'Zoë\r' });
    expect(encodeCloudEvent(text).value).toEqual(Buffer.from('Zoë\r', 'utf8'));
    const bytes = Buffer.from([0xde, 0xad, 0xbe, 0xef]);
    const binary = createCloudEvent({
      source: '/x',
      type: 't',
      datacontenttype: 'application/octet-stream',
      data: bytes,
    });
    expect(encodeCloudEvent(binary).value).toEqual(bytes);
  });

  it('refuses data it could not round-trip', () => {
    expect(() => encodeCloudEvent(jsonEvent(Buffer.from('{}')))).toThrow(TypeError);
    const absent = createCloudEvent({ source: '/x', type: 't', data: undefined });
    expect(() => encodeCloudEvent(absent)).toThrow(/not serialisable as JSON/);
    const text = createCloudEvent({ source: '/x', type: 't', datacontenttype: 'text/plain', data: { a: 1 } });
    expect(() => encodeCloudEvent(text)).toThrow(/must be a string or a Buffer/);
    const latin1 = createCloudEvent({
      source: '/x',
      type: 't',
      datacontenttype: 'text/plain; charset=iso-8859-1',
      data: 'é',
    });
    expect(() => encodeCloudEvent(latin1)).toThrow(/pass a Buffer/);
  });

  it('refuses an event whose envelope is invalid', () => {
    const event = { ...jsonEvent(), specversion: '0.3' } as unknown as CloudEvent;
    expect(() => encodeCloudEvent(event)).toThrow(/specversion must be 1.0/);
  });
});

describe(headersToStrings.name, () => {
  it('takes the first value of arrays, decodes Buffers as UTF-8 and drops absent values', () => {
    const raw: RawHeaders = {
      a: Buffer.from('é', 'utf8'),
      b: 'plain',
      c: [Buffer.from('first'), 'second'],
      d: undefined,
      e: [],
    };
    expect(headersToStrings(raw)).toEqual({ a: 'é', b: 'plain', c: 'first' });
    expect(headersToStrings(undefined)).toEqual({});
  });
});

describe(decodeCloudEvent.name, () => {
  it('reads kafkajs headers (Buffers) and parses JSON data', () => {
    const encoded = encodeCloudEvent(jsonEvent({ a: 1 }));
    const raw = Object.fromEntries(Object.entries(encoded.headers).map(([k, v]) => [k, Buffer.from(v)]));
    const decoded = decodeCloudEvent(raw, encoded.value);
    expect(decoded).toMatchObject({ ok: true, event: { data: { a: 1 }, specversion: '1.0' } });
  });

  it('round-trips every attribute', () => {
    const event = createCloudEvent({
      source: '/x',
      type: 't',
      subject: 's',
      correlationid: 'c',
      causationid: 'k',
      integrationid: 'i',
      traceparent: 'tp',
      dataschema: 'ds',
      data: { nested: { list: [1, 2, 3] } },
    });
    const { headers, value } = encodeCloudEvent(event);
    expect(decodeCloudEvent(headers, value)).toEqual({ ok: true, event });
  });

  it('gives text content types their data as a string', () => {
    const event = createCloudEvent({
      source: '/x',
      type: 't',
      datacontenttype: 'x-application/hl7-v2+er7',
      data: 'MSH|^~\\&|\r',
    });
    const { headers, value } = encodeCloudEvent(event);
    expect(decodeCloudEvent(headers, value)).toEqual({ ok: true, event });
  });

  it('decodes text in the charset the content type declares', () => {
    const headers = { ...validHeaders(), [CONTENT_TYPE]: 'text/plain; charset=iso-8859-1' };
    expect(decodeCloudEvent(headers, Buffer.from([0x5a, 0x6f, 0xeb]))).toMatchObject({
      ok: true,
      event: { data: 'Zoë' },
    });
  });

  it('gives other content types their data as bytes', () => {
    const headers = { ...validHeaders(), [CONTENT_TYPE]: 'application/octet-stream' };
    const decoded = decodeCloudEvent(headers, Buffer.from([1, 2, 3]));
    expect(decoded).toMatchObject({ ok: true });
    expect(decoded.ok && Buffer.isBuffer(decoded.event.data)).toBe(true);
  });

  it('accepts header names in other casings', () => {
    const headers = Object.fromEntries(Object.entries(validHeaders()).map(([k, v]) => [k.toUpperCase(), v]));
    expect(decodeCloudEvent(headers, Buffer.from('{}'))).toMatchObject({ ok: true });
  });

  it('defaults a missing content-type to JSON for an unregistered type', () => {
    const { [CONTENT_TYPE]: _omitted, ...headers } = validHeaders();
    expect(decodeCloudEvent(headers, Buffer.from('{"a":1}'))).toMatchObject({
      ok: true,
      event: { datacontenttype: 'application/json', data: { a: 1 } },
    });
  });

  it.each([CE.id, CE.source, CE.type, CE.specversion, CE.time])(
    'fails when %s is missing or empty',
    (header) => {
      const { [header]: _omitted, ...missing } = validHeaders();
      expect(decodeCloudEvent(missing, Buffer.from('{}'))).toEqual({
        ok: false,
        reason: `missing or empty required header(s): ${header}`,
      });
      expect(decodeCloudEvent({ ...validHeaders(), [header]: '' }, Buffer.from('{}'))).toMatchObject({
        ok: false,
      });
    },
  );

  it('lists every missing header at once', () => {
    expect(decodeCloudEvent(undefined, Buffer.from('{}'))).toEqual({
      ok: false,
      reason: 'missing or empty required header(s): ce_id, ce_source, ce_type, ce_specversion, ce_time',
    });
  });

  it('fails on a specversion other than 1.0 and a time that is not RFC 3339', () => {
    expect(decodeCloudEvent({ ...validHeaders(), [CE.specversion]: '0.3' }, Buffer.from('{}'))).toEqual({
      ok: false,
      reason: 'ce_specversion is not 1.0',
    });
    expect(decodeCloudEvent({ ...validHeaders(), [CE.time]: '1736843400000' }, Buffer.from('{}'))).toEqual({
      ok: false,
      reason: 'ce_time is not an RFC 3339 timestamp',
    });
  });

  it('fails on an empty value unless tombstones are allowed', () => {
    expect(decodeCloudEvent(validHeaders(), null)).toEqual({
      ok: false,
      reason: 'value is empty (a tombstone) where a payload is required',
    });
    expect(decodeCloudEvent(validHeaders(), Buffer.alloc(0))).toMatchObject({ ok: false });
    expect(decodeCloudEvent(validHeaders(), null, { allowTombstone: true })).toMatchObject({
      ok: true,
      event: { data: null },
    });
  });

  it('fails on bytes that are not JSON, without quoting them', () => {
    const decoded = decodeCloudEvent(validHeaders(), Buffer.from(`{"patient": ${PHI}}`));
    expect(decoded).toEqual({ ok: false, reason: 'value is not valid JSON (content-type application/json)' });
  });

  it('fails on text that is not valid UTF-8 rather than replacing characters', () => {
    const headers = { ...validHeaders(), [CONTENT_TYPE]: 'x-application/hl7-v2+er7' };
    expect(decodeCloudEvent(headers, Buffer.from([0x4d, 0x53, 0x48, 0xc3, 0x28]))).toEqual({
      ok: false,
      reason: 'value is not valid utf-8 text',
    });
  });

  it('fails on an unknown charset', () => {
    const headers = { ...validHeaders(), [CONTENT_TYPE]: 'text/plain; charset=klingon' };
    expect(decodeCloudEvent(headers, Buffer.from('x'))).toEqual({
      ok: false,
      reason: 'content-type names an unsupported charset',
    });
  });

  it('never puts header values or payload content in a reason', () => {
    const failures = [
      decodeCloudEvent({ ...validHeaders(), [CE.time]: PHI }, Buffer.from('{}')),
      decodeCloudEvent({ ...validHeaders(), [CE.specversion]: PHI }, Buffer.from('{}')),
      decodeCloudEvent(validHeaders(), Buffer.from(PHI)),
    ];
    for (const failure of failures) {
      expect(failure.ok).toBe(false);
      if (!failure.ok)
        for (const part of PHI.split(/[^A-Za-z0-9]+/)) expect(failure.reason).not.toContain(part);
    }
  });

  it('does not throw on input of the wrong shape', () => {
    const headers = { ...validHeaders(), [CE.id]: 42 } as unknown as RawHeaders;
    expect(() => decodeCloudEvent(headers, 'not a buffer' as unknown as Buffer)).not.toThrow();
    expect(decodeCloudEvent(headers, 'not a buffer' as unknown as Buffer).ok).toBe(false);
  });
});
