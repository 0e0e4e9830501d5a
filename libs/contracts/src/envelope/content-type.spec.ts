import { isJsonContentType, isTextContentType, parseContentType, sameMediaType } from './content-type';

describe('content types', () => {
  it.each([
    'application/json',
    'application/fhir+json',
    'application/cloudevents+json',
    'text/json; charset=utf-8',
  ])('%s is JSON', (contentType) => {
    expect(isJsonContentType(contentType)).toBe(true);
    expect(isTextContentType(contentType)).toBe(false);
  });

  it.each([
    'x-application/hl7-v2+er7',
    'text/plain',
    'application/hl7-v2',
    'application/fhir+xml',
    'TEXT/CSV',
  ])('%s is text', (contentType) => {
    expect(isTextContentType(contentType)).toBe(true);
    expect(isJsonContentType(contentType)).toBe(false);
  });

  it('treats application/octet-stream as neither', () => {
    expect(isJsonContentType('application/octet-stream')).toBe(false);
    expect(isTextContentType('application/octet-stream')).toBe(false);
  });

  it('reads the charset parameter, quoted or not', () => {
    expect(parseContentType('x-application/hl7-v2+er7; charset="ISO-8859-1"')).toEqual({
      essence: 'x-application/hl7-v2+er7',
      charset: 'iso-8859-1',
    });
    expect(parseContentType('application/json')).toEqual({ essence: 'application/json', charset: undefined });
  });

  it('compares media types without parameters or case', () => {
    expect(sameMediaType('Application/FHIR+JSON; fhirVersion=4.0', 'application/fhir+json')).toBe(true);
    expect(sameMediaType('application/json', 'application/fhir+json')).toBe(false);
  });
});
