import { isJsonObject, JsonObject, JsonValue } from './json-value';
import { COUNTRY_DIALLING, formatUsPhone, parsePhone } from './phone-number';
import { argOr, expected, fail, ok, TransformDefinition, TransformOutcome } from './transform-definition';

/**
 * To FHIR administrative-gender. Codes follow HL7 table 0001 and the HL7 v2-to-FHIR ConceptMap
 * `table-hl70001-to-administrative-gender` (A ambiguous and N not applicable → other).
 */
const GENDERS: ReadonlyMap<string, string> = new Map([
  ...['m', 'male', 'man', 'boy'].map((word) => [word, 'male'] as const),
  ...['f', 'female', 'woman', 'girl'].map((word) => [word, 'female'] as const),
  ...['o', 'other', 'a', 'ambiguous', 'n', 'not applicable', 'x', 'nonbinary', 'non-binary'].map(
    (word) => [word, 'other'] as const,
  ),
  ...['u', 'unknown', 'unk'].map((word) => [word, 'unknown'] as const),
]);

export const NAME_FORMATS = ['given family', 'family, given'] as const;

/** A name's parts, from a FHIR HumanName or the same shape with strings for the repeating parts. */
interface NameParts {
  prefix: string[];
  given: string[];
  family: string[];
  suffix: string[];
  text?: string;
}

function strings(value: JsonValue | undefined): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value.trim() === '' ? [] : [value.trim()];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string' || item === null)) {
    return (value as (string | null)[])
      .filter((item): item is string => item !== null && item.trim() !== '')
      .map((item) => item.trim());
  }
  return undefined;
}

function nameParts(name: JsonObject): NameParts | undefined {
  const [prefix, given, family, suffix] = [name.prefix, name.given, name.family, name.suffix].map(strings);
  if (prefix === undefined || given === undefined || family === undefined || suffix === undefined) {
    return undefined;
  }
  const text = typeof name.text === 'string' && name.text.trim() !== '' ? name.text.trim() : undefined;
  return { prefix, given, family, suffix, text };
}

/** Of several names, the official one, else the usual one, else the first. */
function chooseName(names: JsonValue[]): JsonObject | undefined {
  const objects = names.filter(isJsonObject);
  return (
    objects.find((name) => name.use === 'official') ??
    objects.find((name) => name.use === 'usual') ??
    objects[0]
  );
}

function fullName(value: JsonValue | undefined, format: (typeof NAME_FORMATS)[number]): TransformOutcome {
  if (typeof value === 'string') return ok(value.trim());
  const name = Array.isArray(value) ? chooseName(value) : value;
  if (!isJsonObject(name)) return expected('a name object or an array of them', value);
  const parts = nameParts(name);
  if (parts === undefined) return fail('name parts must be strings or arrays of strings');
  const family = parts.family.join(' ');
  const given = parts.given.join(' ');
  if (family === '' && given === '') {
    return parts.text === undefined ? fail('name has no parts') : ok(parts.text);
  }
  if (format === 'family, given') {
    return ok(family === '' || given === '' ? family + given : `${family}, ${given}`);
  }
  return ok([...parts.prefix, given, family, ...parts.suffix].filter((part) => part !== '').join(' '));
}

export const PERSON_TRANSFORMS: readonly TransformDefinition[] = [
  {
    name: 'normalize_gender',
    summary:
      'To FHIR administrative-gender (male, female, other, unknown) from HL7 table 0001 codes (M F O U A N) ' +
      'and words (male, woman, unknown…), any case.',
    params: [],
    elementwise: true,
    apply: (value) => {
      if (typeof value !== 'string') return expected('a string', value);
      const gender = GENDERS.get(value.trim().toLowerCase());
      return gender === undefined ? fail('value is not a recognised gender') : ok(gender);
    },
  },
  {
    name: 'full_name',
    summary:
      'A display name from a FHIR HumanName, an array of them (official, else usual, else the first) or ' +
      '`{prefix, given, family, suffix}`: `Dr John Q Smith Jr`, or with `format` `family, given` `Smith, John Q`; ' +
      'falls back to `text`.',
    params: [{ name: 'format', type: 'string', oneOf: NAME_FORMATS, optional: true }],
    elementwise: false,
    apply: (value, args) => fullName(value, argOr(args, 0, 'given family') as (typeof NAME_FORMATS)[number]),
  },
  {
    name: 'normalize_phone',
    summary:
      'A telephone number to E.164 (`+15551234567`); national numbers are read as `country`’s (ISO 3166 code, ' +
      'default `US`). Extensions are dropped (E.164 has none).',
    params: [{ name: 'country', type: 'string', oneOf: Object.keys(COUNTRY_DIALLING), optional: true }],
    elementwise: true,
    apply: (value, args) => {
      if (typeof value !== 'string' && typeof value !== 'number') return expected('a string', value);
      const parsed = parsePhone(String(value), argOr(args, 0, 'US'));
      return parsed.ok ? ok(parsed.phone.e164) : fail(parsed.reason);
    },
  },
  {
    name: 'format_phone_us',
    summary:
      'A North American number in any common form (or E.164) as `(555) 123-4567`, with ` x89` for an extension.',
    params: [],
    elementwise: true,
    apply: (value) => {
      if (typeof value !== 'string' && typeof value !== 'number') return expected('a string', value);
      const parsed = parsePhone(String(value), 'US');
      if (!parsed.ok) return fail(parsed.reason);
      const text = formatUsPhone(parsed.phone);
      return text === undefined ? fail('number is not North American') : ok(text);
    },
  },
];
