/** The delimiters a message declares in MSH-1 (field) and MSH-2 (the rest, in this order). */
export interface EncodingCharacters {
  field: string;
  component: string;
  repetition: string;
  escape: string;
  subcomponent: string;
  /** MSH-2 fifth character, HL7 v2.7+. */
  truncation?: string;
}

export const DEFAULT_ENCODING: Readonly<EncodingCharacters> = Object.freeze({
  field: '|',
  component: '^',
  repetition: '~',
  escape: '\\',
  subcomponent: '&',
});

/** MSH-2 text for a set of encoding characters. */
export function encodingCharactersField(encoding: EncodingCharacters): string {
  return (
    encoding.component +
    encoding.repetition +
    encoding.escape +
    encoding.subcomponent +
    (encoding.truncation ?? '')
  );
}

const isDelimiterChar = (c: string): boolean => c.length === 1 && !/[A-Za-z0-9\r\n]/.test(c);

/**
 * Reads MSH-1/MSH-2 (or FHS/BHS-1/2) from a header line. Returns undefined when they are not usable:
 * a delimiter that is alphanumeric or a line end, repeated delimiters, or fewer than 4 in MSH-2 (the
 * escape and subcomponent characters are needed to read the rest of the message correctly).
 */
export function readEncodingCharacters(headerLine: string): EncodingCharacters | undefined {
  const field = headerLine.charAt(3);
  if (!isDelimiterChar(field)) return undefined;
  const end = headerLine.indexOf(field, 4);
  const declared = headerLine.slice(4, end === -1 ? undefined : end);
  if (declared.length < 4 || declared.length > 5) return undefined;
  const chars = [field, ...declared];
  if (!chars.every(isDelimiterChar) || new Set(chars).size !== chars.length) return undefined;
  const [component, repetition, escape, subcomponent, truncation] = declared;
  return truncation === undefined
    ? { field, component, repetition, escape, subcomponent }
    : { field, component, repetition, escape, subcomponent, truncation };
}
