import { createHash } from 'node:crypto';
import { DEFAULT_ENCODING, escapeHl7 } from '@meridian/hl7';
import {
  authorityOf,
  codeSystemName,
  DEFAULT_CODE_SYSTEM_BASE,
  DEFAULT_IDENTIFIER_SYSTEM_BASE,
  type Hd,
} from './systems';

/** How serviceRequestToOrm addresses and stamps the message. */
export interface OrmWriterOptions {
  /** MSH-7. Default: ServiceRequest.authoredOn. Never the wall clock, so the output is reproducible. */
  timestamp?: string | Date;
  /** MSH-10 (at most 20 characters). Default: derived from the ServiceRequest and the timestamp. */
  controlId?: string;
  sendingApplication?: string;
  sendingFacility?: string;
  receivingApplication?: string;
  receivingFacility?: string;
  /** MSH-11. Default 'P'. */
  processingId?: string;
  /** MSH-12. Default '2.5.1'. */
  version?: string;
  /** ORC-1 order control. Default from status: NW (active, draft, unknown), CA (revoked, entered-in-error), HD, SC. */
  orderControl?: string;
  /** Looks up referenced resources (the requester Practitioner) that are not contained. */
  resolve?: (reference: fhir4.Reference) => fhir4.FhirResource | undefined;
  /** The same overrides given to convertHl7ToFhir, read backwards (system URI → authority / coding system name). */
  identifierSystems?: Record<string, string>;
  defaultSystemBase?: string;
  codeSystems?: Record<string, string>;
  defaultCodeSystemBase?: string;
}

const ENC = DEFAULT_ENCODING;
const esc = (value: string | undefined): string => (value === undefined ? '' : escapeHl7(value, ENC));

/** Joins parts with a separator, dropping trailing empty ones (HL7 sends no trailing delimiters). */
function join(parts: string[], separator: string): string {
  let end = parts.length;
  while (end > 0 && parts[end - 1] === '') end--;
  return parts.slice(0, end).join(separator);
}
const components = (parts: string[]): string => join(parts, ENC.component);
const subcomponents = (parts: string[]): string => join(parts, ENC.subcomponent);
const repetitions = (parts: string[]): string => parts.filter((p) => p !== '').join(ENC.repetition);
const segment = (name: string, fields: string[]): string => join([name, ...fields], ENC.field);

/** FHIR date/dateTime/instant → HL7 DTM (YYYY[MM[DD[HHMMSS[.SSSS]]]][+/-ZZZZ]). */
export function toV2DateTime(value: string | undefined): string {
  if (value === undefined) return '';
  const m =
    /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/.exec(
      value,
    );
  if (!m) return '';
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  let out = y + (mo ?? '') + (d ?? '');
  if (h !== undefined) {
    out += h + mi + (s ?? '00');
    if (frac) out += `.${frac.slice(0, 4)}`;
    if (zone) out += zone === 'Z' ? '+0000' : zone.replace(':', '');
  }
  return out;
}

interface Systems {
  identifierSystems?: Record<string, string>;
  systemBase: string;
  codeSystems?: Record<string, string>;
  codeSystemBase: string;
}

function hd(authority: Hd | undefined): string {
  if (authority === undefined) return '';
  return subcomponents([
    esc(authority.namespace),
    esc(authority.universalId),
    esc(authority.universalIdType),
  ]);
}

const V2_0203 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

function identifierTypeCode(identifier: fhir4.Identifier): string | undefined {
  const coding = identifier.type?.coding?.find((c) => c.system === V2_0203 || c.system === undefined);
  return coding?.code ?? identifier.type?.text;
}

/** Identifier → CX (value ^^^ authority ^ type). */
function cx(identifier: fhir4.Identifier, s: Systems): string {
  const authority = authorityOf(identifier.system, s.identifierSystems, s.systemBase);
  return components([esc(identifier.value), '', '', hd(authority), esc(identifierTypeCode(identifier))]);
}

/** Identifier → EI (value ^ namespace ^ universal id ^ type). */
function ei(identifier: fhir4.Identifier | undefined, s: Systems): string {
  if (identifier?.value === undefined) return '';
  const a = authorityOf(identifier.system, s.identifierSystems, s.systemBase);
  return components([esc(identifier.value), esc(a?.namespace), esc(a?.universalId), esc(a?.universalIdType)]);
}

/** CodeableConcept → CE (code ^ text ^ system, then the alternate coding). */
function ce(concept: fhir4.CodeableConcept | undefined, s: Systems): string {
  if (concept === undefined) return '';
  const triple = (c: fhir4.Coding | undefined): string[] =>
    c === undefined
      ? ['', '', '']
      : [esc(c.code), esc(c.display), esc(codeSystemName(c.system, s.codeSystems, s.codeSystemBase))];
  const codings = concept.coding ?? [];
  if (codings.length === 0) return components(['', esc(concept.text)]);
  return components([...triple(codings[0]), ...(codings[1] ? triple(codings[1]) : [])]);
}

const NAME_TYPE: Record<string, string> = {
  official: 'L',
  usual: 'D',
  maiden: 'M',
  nickname: 'N',
  anonymous: 'S',
  temp: 'TEMP',
  old: 'BAD',
};

function xpn(name: fhir4.HumanName): string {
  const [first, ...rest] = name.given ?? [];
  return components([
    esc(name.family),
    esc(first),
    esc(rest.length > 0 ? rest.join(' ') : undefined),
    esc(name.suffix?.[0]),
    esc(name.prefix?.[0]),
    '',
    esc(name.use ? NAME_TYPE[name.use] : undefined),
  ]);
}

const ADDRESS_TYPE: Record<string, string> = { home: 'H', work: 'O', temp: 'C', old: 'BA' };

function xad(address: fhir4.Address): string {
  const type = address.type === 'postal' ? 'M' : address.use ? ADDRESS_TYPE[address.use] : undefined;
  return components([
    esc(address.line?.[0]),
    esc(address.line?.slice(1).join(', ') || undefined),
    esc(address.city),
    esc(address.state),
    esc(address.postalCode),
    esc(address.country),
    esc(type),
    '',
    esc(address.district),
  ]);
}

const TELECOM_USE: Record<string, string> = { home: 'PRN', work: 'WPN', mobile: 'PRS', temp: 'ORN' };
const EQUIPMENT: Record<string, string> = {
  phone: 'PH',
  fax: 'FX',
  email: 'Internet',
  pager: 'BP',
  other: 'PH',
};

function xtn(telecom: fhir4.ContactPoint): string {
  const email = telecom.system === 'email';
  return components([
    email ? '' : esc(telecom.value),
    esc(email ? 'NET' : telecom.use ? TELECOM_USE[telecom.use] : undefined),
    esc(telecom.system ? EQUIPMENT[telecom.system] : undefined),
    email ? esc(telecom.value) : '',
  ]);
}

const GENDER: Record<string, string> = { male: 'M', female: 'F', other: 'O', unknown: 'U' };

function pid(patient: fhir4.Patient, s: Systems): string {
  const telecom = patient.telecom ?? [];
  return segment('PID', [
    '1',
    '',
    repetitions((patient.identifier ?? []).filter((i) => i.value !== undefined).map((i) => cx(i, s))),
    '',
    repetitions((patient.name ?? []).map(xpn)),
    '',
    toV2DateTime(patient.birthDate),
    esc(patient.gender ? GENDER[patient.gender] : undefined),
    '',
    '',
    repetitions((patient.address ?? []).map(xad)),
    '',
    repetitions(telecom.filter((t) => t.use !== 'work').map(xtn)),
    repetitions(telecom.filter((t) => t.use === 'work').map(xtn)),
  ]);
}

/** The requester as an XCN: from the Practitioner (contained or resolved), else its identifier/display. */
function xcn(
  ref: fhir4.Reference | undefined,
  sr: fhir4.ServiceRequest,
  options: OrmWriterOptions,
  s: Systems,
): string {
  if (ref === undefined) return '';
  const contained = ref.reference?.startsWith('#')
    ? sr.contained?.find((r) => `#${r.id}` === ref.reference)
    : undefined;
  const resource = contained ?? options.resolve?.(ref);
  const person =
    resource && 'name' in resource && Array.isArray(resource.name)
      ? (resource as fhir4.Practitioner)
      : undefined;
  const identifier = person?.identifier?.[0] ?? ref.identifier;
  const name = person?.name?.[0];
  const authority = identifier && authorityOf(identifier.system, s.identifierSystems, s.systemBase);
  const [first, ...rest] = name?.given ?? [];
  return components([
    esc(identifier?.value),
    esc(name?.family ?? (name === undefined ? ref.display : undefined)),
    esc(first),
    esc(rest.length > 0 ? rest.join(' ') : undefined),
    esc(name?.suffix?.[0]),
    esc(name?.prefix?.[0]),
    '',
    '',
    hd(authority),
  ]);
}

const ORDER_CONTROL: Record<string, [string, string]> = {
  active: ['NW', ''],
  draft: ['NW', ''],
  unknown: ['NW', ''],
  'on-hold': ['HD', 'HD'],
  revoked: ['CA', 'CA'],
  completed: ['SC', 'CM'],
  'entered-in-error': ['CA', 'ER'],
};
const PRIORITY: Record<string, string> = { routine: 'R', urgent: 'T', asap: 'A', stat: 'S' };

const PLACER = 'PLAC';
const FILLER = 'FILL';
const hasType = (i: fhir4.Identifier, code: string): boolean =>
  i.type?.coding?.some((c) => c.code === code) ?? false;

/**
 * FHIR ServiceRequest (+ its Patient) → ER7 ORM^O01 (MSH, PID, ORC, OBR, NTE), segments ended by CR.
 * The placer number is the identifier typed PLAC (else the first); the filler number the one typed
 * FILL. Every value is escaped for ER7. Throws TypeError when the request has no placer number or
 * no time to stamp the message with (programming errors: the caller controls both).
 */
export function serviceRequestToOrm(
  serviceRequest: fhir4.ServiceRequest,
  patient: fhir4.Patient | undefined,
  options: OrmWriterOptions = {},
): string {
  const s: Systems = {
    identifierSystems: options.identifierSystems,
    systemBase: options.defaultSystemBase ?? DEFAULT_IDENTIFIER_SYSTEM_BASE,
    codeSystems: options.codeSystems,
    codeSystemBase: options.defaultCodeSystemBase ?? DEFAULT_CODE_SYSTEM_BASE,
  };
  const ids = serviceRequest.identifier ?? [];
  const placer = ids.find((i) => hasType(i, PLACER)) ?? ids.find((i) => !hasType(i, FILLER));
  const filler = ids.find((i) => hasType(i, FILLER));
  if (placer?.value === undefined)
    throw new TypeError('ServiceRequest has no placer order number (identifier)');
  const stamp =
    options.timestamp instanceof Date
      ? options.timestamp.toISOString()
      : (options.timestamp ?? serviceRequest.authoredOn);
  const msh7 = toV2DateTime(stamp);
  if (msh7 === '')
    throw new TypeError('no message time: give options.timestamp or ServiceRequest.authoredOn');

  const [control, orderStatus] = ORDER_CONTROL[serviceRequest.status] ?? ['NW', ''];
  const controlId =
    options.controlId ??
    createHash('sha1')
      .update(JSON.stringify([serviceRequest, msh7]))
      .digest('hex')
      .slice(0, 20)
      .toUpperCase();
  const priority = serviceRequest.priority ? PRIORITY[serviceRequest.priority] : undefined;
  const timing =
    priority || serviceRequest.occurrenceDateTime
      ? components(['', '', '', toV2DateTime(serviceRequest.occurrenceDateTime), '', esc(priority)])
      : '';
  const requester = xcn(serviceRequest.requester, serviceRequest, options, s);
  const placerEi = ei(placer, s);
  const fillerEi = ei(filler, s);

  const segments = [
    segment('MSH', [
      `${ENC.component}${ENC.repetition}${ENC.escape}${ENC.subcomponent}`,
      esc(options.sendingApplication),
      esc(options.sendingFacility),
      esc(options.receivingApplication),
      esc(options.receivingFacility),
      msh7,
      '',
      components(['ORM', 'O01', 'ORM_O01']),
      esc(controlId.slice(0, 20)),
      esc(options.processingId ?? 'P'),
      esc(options.version ?? '2.5.1'),
    ]),
  ];
  if (patient) segments.push(pid(patient, s));
  segments.push(
    segment('ORC', [
      esc(options.orderControl ?? control),
      placerEi,
      fillerEi,
      ei(serviceRequest.requisition, s),
      esc(orderStatus || undefined),
      '',
      timing,
      '',
      toV2DateTime(serviceRequest.authoredOn),
      '',
      '',
      requester,
    ]),
  );
  const obr = new Array<string>(31).fill('');
  obr[0] = '1';
  obr[1] = placerEi;
  obr[2] = fillerEi;
  obr[3] = ce(serviceRequest.code, s);
  obr[15] = requester;
  obr[26] = timing;
  obr[30] = repetitions((serviceRequest.reasonCode ?? []).map((c) => ce(c, s)));
  segments.push(segment('OBR', obr));
  (serviceRequest.note ?? []).forEach((note, i) => {
    segments.push(segment('NTE', [String(i + 1), 'L', esc(note.text)]));
  });
  return segments.join('\r') + '\r';
}
