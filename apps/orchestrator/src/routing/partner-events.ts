import type { FhirBundlePayload, FhirResource } from '@meridian/contracts';

/** The HL7 v2 trigger events (table 0003) partners hear about, and the type each is announced as. */
const PARTNER_EVENT_TYPES: Readonly<Record<string, string>> = {
  A01: 'patient.admitted',
  A02: 'patient.transferred',
  A03: 'patient.discharged',
  A04: 'patient.registered',
  A05: 'patient.preadmitted',
  A08: 'patient.updated',
  A11: 'patient.admission_cancelled',
  A12: 'patient.transfer_cancelled',
  A13: 'patient.discharge_cancelled',
  A28: 'patient.created',
  A31: 'patient.updated',
  O01: 'order.placed',
  R01: 'result.available',
  S12: 'appointment.booked',
  S13: 'appointment.rescheduled',
  S14: 'appointment.modified',
  S15: 'appointment.cancelled',
  S17: 'appointment.deleted',
  S26: 'appointment.no_show',
  T02: 'document.available',
  T04: 'document.status_changed',
  T06: 'document.addendum_added',
  T08: 'document.edited',
  T10: 'document.replaced',
};

const TRIGGER_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0003';

/** What a partner is told about a message: its kind and the business identifiers it concerns. */
export interface PartnerEvent {
  type: string;
  data: Record<string, unknown>;
}

/**
 * The partner event a canonical bundle announces, if any: the trigger is the Provenance's activity
 * (the HL7 event the transformer converted). The data is thin on purpose — the trigger and the
 * identifiers (`system` + `value`) of the patient, encounter, order, report, appointment or document,
 * never names, dates or clinical content; a partner who needs more asks its own EHR by identifier.
 */
export function partnerEvent(bundle: FhirBundlePayload): PartnerEvent | undefined {
  const resources = bundle.entry.flatMap((entry) => (entry.resource ? [entry.resource] : []));
  const trigger = resources
    .filter((resource) => resource.resourceType === 'Provenance')
    .flatMap((resource) => codings((resource as { activity?: unknown }).activity))
    .find((coding) => coding.system === TRIGGER_SYSTEM && typeof coding.code === 'string')?.code;
  if (typeof trigger !== 'string' || !Object.hasOwn(PARTNER_EVENT_TYPES, trigger)) return undefined;
  let type = PARTNER_EVENT_TYPES[trigger];
  const order = first(resources, 'ServiceRequest');
  if (
    trigger === 'O01' &&
    order !== undefined &&
    ['revoked', 'entered-in-error'].includes(String(order.status))
  ) {
    type = 'order.cancelled';
  }
  const data: Record<string, unknown> = { trigger };
  for (const [field, resourceType] of [
    ['patient', 'Patient'],
    ['encounter', 'Encounter'],
    ['order', 'ServiceRequest'],
    ['report', 'DiagnosticReport'],
    ['appointment', 'Appointment'],
    ['document', 'DocumentReference'],
  ] as const) {
    const identifier = identifierOf(first(resources, resourceType));
    if (identifier !== undefined) data[field] = identifier;
  }
  return { type, data };
}

function first(resources: FhirResource[], type: string): FhirResource | undefined {
  return resources.find((resource) => resource.resourceType === type);
}

function identifierOf(resource: FhirResource | undefined): { system?: string; value: string } | undefined {
  const identifiers = (resource as { identifier?: unknown } | undefined)?.identifier;
  if (!Array.isArray(identifiers)) return undefined;
  for (const identifier of identifiers as { system?: unknown; value?: unknown }[]) {
    if (typeof identifier?.value !== 'string') continue;
    return typeof identifier.system === 'string'
      ? { system: identifier.system, value: identifier.value }
      : { value: identifier.value };
  }
  return undefined;
}

function codings(concept: unknown): { system?: unknown; code?: unknown }[] {
  const list = (concept as { coding?: unknown } | undefined)?.coding;
  return Array.isArray(list) ? (list as { system?: unknown; code?: unknown }[]) : [];
}
