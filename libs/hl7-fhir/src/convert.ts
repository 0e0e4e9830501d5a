import type { Hl7Message } from '@meridian/hl7';
import { ConversionContext } from './context';
import { parseV2DateTime, parseV2DateTimeLenient, timeZonePolicy, toFhirInstant } from './datetime';
import { deterministicId } from './ids';
import { ADT_EVENTS, convertAdt } from './messages/adt';
import { convertAdtMerge } from './messages/adt-merge';
import { convertMdm, MDM_EVENTS } from './messages/mdm';
import { convertOml } from './messages/oml';
import { convertOrm } from './messages/orm';
import { convertOru } from './messages/oru';
import { convertPharmacy } from './messages/pharmacy';
import { convertSiu, SIU_EVENTS } from './messages/siu';
import { convertVxu } from './messages/vxu';
import { buildProvenance } from './resources/provenance';
import type { ConversionError, ConversionResult, ConvertOptions } from './types';
import { V2Message } from './v2-reader';

type Converter = (ctx: ConversionContext, trigger: string) => ConversionError | undefined;

/** ADT^A40 (merge patient — patient identifier list): Patient.link, not the ADT person/visit map. */
const ADT_MERGE = 'A40';

/** Message code → trigger events converted → converter. */
const CONVERTERS: Record<string, { events: (trigger: string) => boolean; convert: Converter }> = {
  ADT: {
    events: (t) => t in ADT_EVENTS || t === ADT_MERGE,
    convert: (ctx, t) => (t === ADT_MERGE ? convertAdtMerge(ctx) : convertAdt(ctx, t)),
  },
  ORU: { events: (t) => t === 'R01', convert: (ctx) => convertOru(ctx) },
  ORM: { events: (t) => t === 'O01', convert: (ctx) => convertOrm(ctx) },
  OML: { events: (t) => t === 'O21', convert: (ctx) => convertOml(ctx) },
  SIU: { events: (t) => t in SIU_EVENTS, convert: convertSiu },
  MDM: { events: (t) => MDM_EVENTS.has(t), convert: convertMdm },
  VXU: { events: (t) => t === 'V04', convert: (ctx) => convertVxu(ctx) },
  RDE: { events: (t) => t === 'O11', convert: (ctx) => convertPharmacy(ctx, 'RDE') },
  RDS: { events: (t) => t === 'O13', convert: (ctx) => convertPharmacy(ctx, 'RDS') },
};

/** Message types and events convertHl7ToFhir accepts, e.g. 'ADT^A01'. */
export const SUPPORTED_MESSAGE_TYPES: readonly string[] = [
  ...Object.keys(ADT_EVENTS).map((e) => `ADT^${e}`),
  `ADT^${ADT_MERGE}`,
  'ORU^R01',
  'ORM^O01',
  'OML^O21',
  ...Object.keys(SIU_EVENTS).map((e) => `SIU^${e}`),
  ...[...MDM_EVENTS].map((e) => `MDM^${e}`),
  'VXU^V04',
  'RDE^O11',
  'RDS^O13',
];

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const fail = (error: ConversionError): ConversionResult => ({ ok: false, error });

/** Provenance.recorded: the option, else MSH-7 (a broken MSH-7 gives its valid date prefix, with a warning), else EVN-2. */
function recordedTime(ctx: ConversionContext): string | ConversionError {
  const option = ctx.options.recordedAt;
  if (option !== undefined) {
    const text = option instanceof Date ? option.toISOString() : option;
    if (!INSTANT.test(text) || Number.isNaN(Date.parse(text))) {
      return {
        code: 'INVALID_OPTIONS',
        reason: 'recordedAt is not an instant (YYYY-MM-DDThh:mm:ss with an offset)',
      };
    }
    return text;
  }
  const msh7 = ctx.msg.msh.text(7);
  const strict = parseV2DateTime(msh7);
  if (strict) return toFhirInstant(strict, ctx.tz);
  const lenient = parseV2DateTimeLenient(msh7);
  if (lenient) {
    ctx.warn(
      'INVALID_DATE',
      'MSH-7',
      'message time is not a valid HL7 date/time; its valid date prefix is used',
    );
    return toFhirInstant(lenient, ctx.tz);
  }
  const byEvent = parseV2DateTime(ctx.msg.first('EVN')?.text(2));
  if (byEvent) {
    ctx.warn('MISSING_VALUE', 'MSH-7', 'message time missing or unusable; the event time (EVN-2) is used');
    return toFhirInstant(byEvent, ctx.tz);
  }
  return {
    code: 'MISSING_MESSAGE_TIME',
    location: 'MSH-7',
    reason: 'message time (MSH-7, else EVN-2) missing or unusable and no recordedAt option given',
  };
}

/**
 * Converts one parsed HL7 v2 message to a FHIR R4 transaction Bundle. Pure and deterministic: the
 * same message and options give the same Bundle, byte for byte. Never throws.
 */
export function convertHl7ToFhir(message: Hl7Message, options: ConvertOptions = {}): ConversionResult {
  try {
    return convert(message, options);
  } catch (e) {
    return fail({
      code: 'INTERNAL_ERROR',
      reason: `the converter failed unexpectedly (${e instanceof Error ? e.name : 'non-error thrown'})`,
    });
  }
}

function convert(message: Hl7Message, options: ConvertOptions): ConversionResult {
  const tz = timeZonePolicy(options.defaultTimeZone);
  if (tz === undefined) {
    return fail({
      code: 'INVALID_OPTIONS',
      reason: 'defaultTimeZone is neither UTC, ±hh:mm nor a known IANA zone',
    });
  }
  const msg = new V2Message(message);
  const ctx = new ConversionContext(msg, options, tz);
  const type = msg.msh.rep(9);
  const code = type?.text(1)?.toUpperCase() ?? '';
  // Before v2.3.1 some senders put the event only in EVN-1.
  const trigger = (type?.text(2) ?? msg.first('EVN')?.text(1))?.toUpperCase() ?? '';
  const converter = CONVERTERS[code];
  if (converter === undefined || !converter.events(trigger)) {
    return fail({
      code: 'UNSUPPORTED_MESSAGE_TYPE',
      location: 'MSH-9',
      // Codes are echoed only when shaped like HL7 codes: a broken MSH-9 could hold anything.
      reason: /^[A-Z][A-Z0-9]{2}\^[A-Z0-9]{3}$/.test(`${code}^${trigger}`)
        ? `message type ${code}^${trigger} is not converted to FHIR`
        : 'message type is not converted to FHIR',
    });
  }
  ctx.trigger = trigger;
  const recorded = recordedTime(ctx);
  if (typeof recorded !== 'string') return fail(recorded);
  const error = converter.convert(ctx, trigger);
  if (error) return fail(error);

  const zSegments = msg.segments.filter((s) => s.name.startsWith('Z'));
  for (const z of zSegments) {
    ctx.warn('Z_SEGMENT_KEPT', z.loc(), 'Z-segment has no FHIR mapping; kept verbatim in the Provenance');
  }
  const targets = ctx.bundle.fullUrls().map((reference) => ({ reference }));
  buildProvenance(ctx, { recorded, targets, zSegments });

  const bundleId = deterministicId(ctx.scope, 'Bundle', `message|${msg.msh.text(10) ?? ''}`);
  const bundle = ctx.bundle.build(bundleId, recorded);
  if (options.validate) {
    // The whole Bundle, as a server receives it: every entry, and the Bundle's own rules (fullUrls,
    // requests, references between entries resolving to the types they may point at).
    const result = options.validate(bundle);
    if (!result.valid) {
      const issue =
        result.issues.find((i) => i.severity === 'error' || i.severity === 'fatal') ?? result.issues[0];
      const entry = /^Bundle\.entry\[(\d+)\]\.resource/.exec(issue?.path ?? '');
      const type = entry ? (bundle.entry?.[Number(entry[1])]?.resource?.resourceType ?? 'Bundle') : 'Bundle';
      // The issue's message may quote a value, so only the resource type and path travel.
      return fail({
        code: 'FHIR_VALIDATION_FAILED',
        location: issue?.path ?? 'Bundle',
        reason: `produced ${type} is not valid FHIR R4`,
      });
    }
  }
  return { ok: true, bundle, warnings: ctx.warnings };
}
