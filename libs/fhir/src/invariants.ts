import { isPlainObject, type JsonObject } from './bundle-rules';
import { compareDateTimes, isValidDateTime } from './primitive-formats';
import { isUcumUnit } from './ucum';

// R4 invariants of severity error that HAPI FHIR evaluates (as FHIRPath) and a converter can break,
// written out as code: those of the resources the transformer writes and of the data types they
// use (profiles-resources.xml and profiles-types.xml of hapi-fhir-validation-resources-r4). Each
// function says which keys it covers; the expression is quoted where the reading is not obvious.
// Messages name the invariant, never a value.

export type InvariantReport = (path: string, rule: string, message: string) => void;

export const UCUM = 'http://unitsofmeasure.org';

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * FHIRPath `exists()` of an element: a primitive sent only as `_name` (extensions, such as a
 * data-absent-reason) exists too.
 */
function has(object: JsonObject, key: string): boolean {
  return present(object[key]) || present(object[`_${key}`]);
}

function items(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Whether a CodeableConcept has a coding of `system` with one of `codes`. */
function hasCoding(concept: unknown, system: string, codes: readonly string[]): boolean {
  if (!isPlainObject(concept)) return false;
  return items(concept.coding).some(
    (coding) =>
      isPlainObject(coding) &&
      coding.system === system &&
      typeof coding.code === 'string' &&
      codes.includes(coding.code),
  );
}

/** True when any key of the object starts with `prefix` (a choice element such as `value[x]`). */
function hasChoice(object: JsonObject, prefix: string): boolean {
  for (const key of Object.keys(object)) {
    // `_valueString` alone (extensions only) is a value too.
    const name = key.charCodeAt(0) === 95 ? key.slice(1) : key;
    if (name.startsWith(prefix) && name.length > prefix.length && present(object[key])) {
      const next = name.charCodeAt(prefix.length);
      if (next >= 65 && next <= 90) return true; // valueQuantity, not valueSet
    }
  }
  return false;
}

/** Invariants of a resource, after its elements were walked. `path` is the resource's path. */
export function checkResourceInvariants(
  type: string,
  resource: JsonObject,
  path: string,
  report: InvariantReport,
): void {
  if (Array.isArray(resource.contained)) containedInvariants(resource.contained, path, report);
  switch (type) {
    case 'Organization':
      organization(resource, path, report);
      break;
    case 'Patient':
      items(resource.contact).forEach((contact, i) => {
        // pat-1: a contact has a name, telecom, address or organization.
        if (
          isPlainObject(contact) &&
          !has(contact, 'name') &&
          !has(contact, 'telecom') &&
          !has(contact, 'address') &&
          !has(contact, 'organization')
        ) {
          report(
            `${path}.contact[${i}]`,
            'pat-1',
            'a contact needs a name, telecom, address or organization',
          );
        }
      });
      break;
    case 'Observation':
      observation(resource, path, report);
      break;
    case 'AllergyIntolerance':
      allergyIntolerance(resource, path, report);
      break;
    case 'Condition':
      condition(resource, path, report);
      break;
    case 'Appointment':
      appointment(resource, path, report);
      break;
    case 'MedicationDispense': {
      // mdd-1: whenHandedOver >= whenPrepared (empty when not comparable counts as failed).
      const { whenPrepared, whenHandedOver } = resource;
      if (
        typeof whenPrepared === 'string' &&
        typeof whenHandedOver === 'string' &&
        isValidDateTime(whenPrepared) &&
        isValidDateTime(whenHandedOver)
      ) {
        const order = compareDateTimes(whenHandedOver, whenPrepared);
        if (order === -1 || order === undefined) {
          report(path, 'mdd-1', 'whenHandedOver is not on or after whenPrepared');
        }
      }
      break;
    }
    case 'ServiceRequest':
      // prr-1: orderDetail only with a code.
      if (has(resource, 'orderDetail') && !has(resource, 'code')) {
        report(`${path}.orderDetail`, 'prr-1', 'orderDetail is only allowed with a code');
      }
      break;
    case 'Immunization':
      items(resource.education).forEach((education, i) => {
        // imm-1: documentType or reference.
        if (isPlainObject(education) && !has(education, 'documentType') && !has(education, 'reference')) {
          report(`${path}.education[${i}]`, 'imm-1', 'education needs a documentType or a reference');
        }
      });
      break;
  }
}

// dom-2: no nested contained; dom-4: contained without meta.versionId/lastUpdated; dom-5: without
// meta.security. (dom-3, every contained resource referenced, is not checked.)
function containedInvariants(contained: unknown[], path: string, report: InvariantReport): void {
  contained.forEach((item, i) => {
    if (!isPlainObject(item)) return;
    const at = `${path}.contained[${i}]`;
    if (has(item, 'contained')) report(at, 'dom-2', 'a contained resource must not contain resources');
    const meta = item.meta;
    if (isPlainObject(meta)) {
      if (has(meta, 'versionId') || has(meta, 'lastUpdated')) {
        report(at, 'dom-4', 'a contained resource has no meta.versionId or meta.lastUpdated');
      }
      if (has(meta, 'security')) report(at, 'dom-5', 'a contained resource has no meta.security');
    }
  });
}

function organization(resource: JsonObject, path: string, report: InvariantReport): void {
  // org-1: an identifier or a name.
  if (!has(resource, 'identifier') && !has(resource, 'name')) {
    report(path, 'org-1', 'an Organization needs an identifier or a name');
  }
  // org-2, org-3: no address or telecom of use home.
  items(resource.address).forEach((address, i) => {
    if (isPlainObject(address) && address.use === 'home') {
      report(`${path}.address[${i}].use`, 'org-2', 'an Organization address is never of use home');
    }
  });
  items(resource.telecom).forEach((telecom, i) => {
    if (isPlainObject(telecom) && telecom.use === 'home') {
      report(`${path}.telecom[${i}].use`, 'org-3', 'an Organization telecom is never of use home');
    }
  });
}

function observation(resource: JsonObject, path: string, report: InvariantReport): void {
  // value[x] is looked for (a scan of the keys) only when obs-6 or obs-7 could fail.
  const valued =
    (has(resource, 'dataAbsentReason') || has(resource, 'component')) && hasChoice(resource, 'value');
  // obs-6: dataAbsentReason only without a value.
  if (valued && has(resource, 'dataAbsentReason')) {
    report(path, 'obs-6', 'dataAbsentReason is only allowed without a value[x]');
  }
  // obs-7: value.empty() or component.code.where(coding.intersect(%resource.code.coding).exists()).empty()
  if (valued && isPlainObject(resource.code)) {
    const codings = items(resource.code.coding);
    items(resource.component).forEach((component, i) => {
      if (!isPlainObject(component) || !isPlainObject(component.code)) return;
      const shared = items(component.code.coding).some((coding) =>
        codings.some((own) => sameCoding(own, coding)),
      );
      if (shared) {
        report(
          `${path}.component[${i}].code`,
          'obs-7',
          'a component with the code of the Observation is only allowed when the Observation has no value[x]',
        );
      }
    });
  }
  // obs-3 on referenceRange (also component.referenceRange): low, high or text.
  referenceRanges(resource.referenceRange, `${path}.referenceRange`, report);
  items(resource.component).forEach((component, i) => {
    if (isPlainObject(component)) {
      referenceRanges(component.referenceRange, `${path}.component[${i}].referenceRange`, report);
    }
  });
}

// FHIRPath `intersect` compares Codings as whole values.
function sameCoding(a: unknown, b: unknown): boolean {
  if (!isPlainObject(a) || !isPlainObject(b)) return false;
  const keys = Object.keys(a).filter((key) => present(a[key]));
  if (keys.length !== Object.keys(b).filter((key) => present(b[key])).length) return false;
  return keys.every((key) => JSON.stringify(a[key]) === JSON.stringify(b[key]));
}

function referenceRanges(ranges: unknown, path: string, report: InvariantReport): void {
  items(ranges).forEach((range, i) => {
    if (isPlainObject(range) && !has(range, 'low') && !has(range, 'high') && !has(range, 'text')) {
      report(`${path}[${i}]`, 'obs-3', 'a referenceRange needs a low, a high or a text');
    }
  });
}

const ALLERGY_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const CONDITION_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/condition-ver-status';
const CONDITION_CLINICAL = 'http://terminology.hl7.org/CodeSystem/condition-clinical';

function allergyIntolerance(resource: JsonObject, path: string, report: InvariantReport): void {
  const enteredInError = hasCoding(resource.verificationStatus, ALLERGY_VERIFICATION, ['entered-in-error']);
  // ait-1: clinicalStatus unless entered-in-error; ait-2: none when entered-in-error.
  if (!enteredInError && !has(resource, 'clinicalStatus')) {
    report(path, 'ait-1', 'clinicalStatus is required unless verificationStatus is entered-in-error');
  }
  if (enteredInError && has(resource, 'clinicalStatus')) {
    report(path, 'ait-2', 'clinicalStatus is not allowed when verificationStatus is entered-in-error');
  }
}

function condition(resource: JsonObject, path: string, report: InvariantReport): void {
  // con-4: abatement only with clinicalStatus resolved, remission or inactive.
  if (
    !hasCoding(resource.clinicalStatus, CONDITION_CLINICAL, ['resolved', 'remission', 'inactive']) &&
    hasChoice(resource, 'abatement')
  ) {
    report(path, 'con-4', 'an abated Condition has clinicalStatus resolved, remission or inactive');
  }
  // con-5: no clinicalStatus when entered-in-error.
  if (
    hasCoding(resource.verificationStatus, CONDITION_VERIFICATION, ['entered-in-error']) &&
    has(resource, 'clinicalStatus')
  ) {
    report(path, 'con-5', 'clinicalStatus is not allowed when verificationStatus is entered-in-error');
  }
}

function appointment(resource: JsonObject, path: string, report: InvariantReport): void {
  const start = has(resource, 'start');
  const end = has(resource, 'end');
  // app-2: start and end together; app-3: both unless proposed, cancelled or waitlist.
  if (start !== end) report(path, 'app-2', 'start and end come together');
  if (
    !(start && end) &&
    !(resource.status === 'proposed' || resource.status === 'cancelled' || resource.status === 'waitlist')
  ) {
    report(path, 'app-3', 'only proposed, cancelled or waitlist appointments may lack start and end');
  }
  // app-4: cancelationReason only when cancelled or no-show.
  if (
    has(resource, 'cancelationReason') &&
    resource.status !== 'cancelled' &&
    resource.status !== 'no-show'
  ) {
    report(path, 'app-4', 'cancelationReason is only allowed when cancelled or no-show');
  }
}

/** Invariants of a data type value (after its elements were walked). */
export function checkTypeInvariants(
  type: string,
  value: JsonObject,
  path: string,
  report: InvariantReport,
): void {
  switch (type) {
    case 'Quantity':
    case 'Age':
    case 'Count':
    case 'Distance':
    case 'Duration':
      quantity(type, value, path, report);
      break;
    case 'ContactPoint':
      // cpt-2: a value needs a system.
      if (has(value, 'value') && !has(value, 'system')) {
        report(path, 'cpt-2', 'a ContactPoint with a value needs a system');
      }
      break;
    case 'Attachment':
      // att-1: data needs a contentType.
      if (has(value, 'data') && !has(value, 'contentType')) {
        report(path, 'att-1', 'an Attachment with data needs a contentType');
      }
      break;
    case 'Range':
      range(value, path, report);
      break;
    case 'Ratio':
      // rat-1: (numerator.empty() xor denominator.exists()) and (numerator.exists() or extension.exists())
      if (
        has(value, 'numerator') !== has(value, 'denominator') ||
        (!has(value, 'numerator') && !has(value, 'extension'))
      ) {
        report(path, 'rat-1', 'a Ratio has both numerator and denominator, or neither and an extension');
      }
      break;
    case 'Timing':
      if (isPlainObject(value.repeat)) timingRepeat(value.repeat, `${path}.repeat`, report);
      break;
  }
}

function quantity(type: string, value: JsonObject, path: string, report: InvariantReport): void {
  const hasValue = typeof value.value === 'number';
  // qty-3: a code needs a system.
  if (has(value, 'code') && !has(value, 'system')) {
    report(path, 'qty-3', 'a Quantity with a code needs a system');
  }
  const ucumOrNone = !has(value, 'system') || value.system === UCUM;
  // Not an invariant but HAPI's terminology check: a UCUM code must parse ("Error processing unit").
  if (value.system === UCUM && typeof value.code === 'string' && !isUcumUnit(value.code)) {
    report(`${path}.code`, 'code-system', `code is not a UCUM unit (${UCUM})`);
  }
  switch (type) {
    case 'Age':
      // age-1: a code when there is a value, UCUM, a positive value.
      if ((hasValue && !has(value, 'code')) || !ucumOrNone || (hasValue && (value.value as number) <= 0)) {
        report(path, 'age-1', 'an Age has a UCUM code with its value, and the value is positive');
      }
      break;
    case 'Duration':
      // drt-1: a code implies UCUM and a value.
      if (has(value, 'code') && (value.system !== UCUM || !hasValue)) {
        report(path, 'drt-1', 'a Duration with a code has a UCUM system and a value');
      }
      break;
    case 'Distance':
      // dis-1: a code when there is a value, UCUM.
      if ((hasValue && !has(value, 'code')) || !ucumOrNone) {
        report(path, 'dis-1', 'a Distance has a UCUM code with its value');
      }
      break;
    case 'Count':
      // cnt-3: a code '1' (UCUM) when there is a value, and a whole number.
      if (
        (hasValue && !has(value, 'code')) ||
        !ucumOrNone ||
        (has(value, 'code') && value.code !== '1') ||
        (hasValue && !Number.isInteger(value.value))
      ) {
        report(path, 'cnt-3', "a Count has the UCUM code '1' and a whole number");
      }
      break;
  }
}

// rng-2: low <= high, compared when both have values in the same unit (FHIRPath compares
// Quantities of different units only after conversion, which is not done here).
function range(value: JsonObject, path: string, report: InvariantReport): void {
  const { low, high } = value;
  if (!isPlainObject(low) || !isPlainObject(high)) return;
  if (typeof low.value !== 'number' || typeof high.value !== 'number') return;
  if ((low.code ?? low.unit) !== (high.code ?? high.unit)) return;
  if (low.value > high.value) report(path, 'rng-2', 'Range low is above high');
}

function timingRepeat(repeat: JsonObject, path: string, report: InvariantReport): void {
  const rule = (key: string, broken: boolean, message: string) => {
    if (broken) report(path, key, message);
  };
  rule('tim-1', has(repeat, 'duration') && !has(repeat, 'durationUnit'), 'duration needs a durationUnit');
  rule('tim-2', has(repeat, 'period') && !has(repeat, 'periodUnit'), 'period needs a periodUnit');
  rule('tim-4', typeof repeat.duration === 'number' && repeat.duration < 0, 'duration is not negative');
  rule('tim-5', typeof repeat.period === 'number' && repeat.period < 0, 'period is not negative');
  rule('tim-6', has(repeat, 'periodMax') && !has(repeat, 'period'), 'periodMax needs a period');
  rule('tim-7', has(repeat, 'durationMax') && !has(repeat, 'duration'), 'durationMax needs a duration');
  rule('tim-8', has(repeat, 'countMax') && !has(repeat, 'count'), 'countMax needs a count');
  const when = items(repeat.when);
  rule(
    'tim-9',
    has(repeat, 'offset') &&
      (when.length === 0 ||
        when.some((code) => code === 'C' || code === 'CM' || code === 'CD' || code === 'CV')),
    'offset needs a when other than a meal',
  );
  rule('tim-10', has(repeat, 'timeOfDay') && has(repeat, 'when'), 'timeOfDay and when are exclusive');
}
