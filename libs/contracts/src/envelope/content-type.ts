// How a content type decides the bytes of a binary-mode value: JSON is serialised, text is
// UTF-8 (or the declared charset), anything else is opaque bytes.

interface MediaType {
  /** `type/subtype`, lowercase, without parameters. */
  essence: string;
  charset?: string;
}

export function parseContentType(contentType: string): MediaType {
  const [essence, ...parameters] = contentType.split(';');
  const charset = parameters
    .map((parameter) => parameter.trim().split('='))
    .find(([name]) => name.trim().toLowerCase() === 'charset')?.[1];
  return {
    essence: essence.trim().toLowerCase(),
    charset: charset === undefined ? undefined : charset.trim().replace(/^"|"$/g, '').toLowerCase(),
  };
}

/** `*\/json` and `*+json` (application/json, application/fhir+json, ...). */
export function isJsonContentType(contentType: string): boolean {
  const { essence } = parseContentType(contentType);
  return essence.endsWith('/json') || essence.endsWith('+json');
}

/** Text data travels as a string: `text/*` (but JSON), HL7 v2 ER7 (`*+er7`, `application/hl7-v2`) and XML. */
export function isTextContentType(contentType: string): boolean {
  if (isJsonContentType(contentType)) return false;
  const { essence } = parseContentType(contentType);
  return (
    essence.startsWith('text/') ||
    essence.endsWith('+er7') ||
    essence === 'application/hl7-v2' ||
    essence.endsWith('/xml') ||
    essence.endsWith('+xml')
  );
}

/** True when both name the same media type, whatever their parameters. */
export function sameMediaType(a: string, b: string): boolean {
  return parseContentType(a).essence === parseContentType(b).essence;
}

const UTF8_LABELS = new Set(['utf-8', 'utf8', 'unicode-1-1-utf-8']);

export function isUtf8Charset(charset: string | undefined): boolean {
  return charset === undefined || UTF8_LABELS.has(charset);
}
