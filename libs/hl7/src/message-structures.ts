import type { Hl7Error } from './hl7-error';
import type { Hl7Message } from './hl7-message';

/**
 * The required parts of the HL7 v2 abstract message syntax for the message types Meridian converts,
 * checked at intake so that a message the gateway acknowledges can be converted.
 *
 * Source: HL7 Version 2.5.1 (ANSI/HL7 2.5.1-2007), chapters 3 (ADT), 4 (ORM, OML, RDE, RDS), 4A/4 (v2.5.1
 * pharmacy), 7 (ORU), 9 (MDM), 10 (SIU) and the trigger-event → structure table (HL7 table 0354).
 * Versions 2.3–2.8 require the same segments for these structures (2.3.1–2.4 make ORC optional in
 * VXU, tolerated below for every version); 2.1/2.2 carry no structure id and are read by trigger.
 * Only what the standard marks required is listed; optional segments and the order of optional
 * groups are not checked, and Z-segments and segments the structure does not name are allowed
 * anywhere (senders add them; the converter ignores what it does not map).
 *
 * Two kinds of deliberate deviation, each with its reason:
 * - `tolerated`: required by the standard, routinely omitted by real feeds, and not needed by the
 *   conversion. Its absence is accepted.
 * - `conversion`: optional in the standard but needed by the conversion (libs/hl7-fhir). Its absence
 *   is refused, because an acknowledged message must be converted or dead-lettered.
 */

/** A segment the structure requires. */
export interface SegmentRequirement {
  segment: string;
  /** Why its absence is accepted although the standard requires it. */
  tolerated?: string;
  /** Why it is required although the standard makes it optional. */
  conversion?: string;
}

/**
 * A repeating group, e.g. ORU_R01's ORDER_OBSERVATION. A repetition starts at one of `opens`, in that
 * order: a later opener joins the repetition started by an earlier one (ORC then OBR is one order), any
 * other opener starts a new repetition. Segments after an opener belong to its repetition.
 */
export interface GroupRequirement {
  name: string;
  opens: readonly string[];
  /** Segments each repetition must hold. */
  requires: readonly SegmentRequirement[];
  /** Whether the message must hold at least one repetition. */
  required: boolean;
  tolerated?: string;
  conversion?: string;
}

export type StructureItem =
  { kind: 'segment'; requirement: SegmentRequirement } | { kind: 'group'; group: GroupRequirement };

export interface MessageStructure {
  /** The standard's structure id (MSH-9.3), e.g. ADT_A01. */
  id: string;
  /** Required segments and groups after MSH, in the standard's order. */
  items: readonly StructureItem[];
}

const seg = (segment: string, why: Omit<SegmentRequirement, 'segment'> = {}): StructureItem => ({
  kind: 'segment',
  requirement: { segment, ...why },
});
const group = (g: GroupRequirement): StructureItem => ({ kind: 'group', group: g });

const EVN_TOLERATED =
  'EVN: many feeds send ADT without it; MSH-9.2 carries the event and MSH-7 the time, which is all the conversion reads from EVN';
const PID_FOR_ORDERS =
  'PID: the PATIENT group is optional in the standard, but orders and results are converted for a patient only (ServiceRequest.subject, MedicationRequest.subject and Immunization.patient are required in FHIR R4; the record is keyed by PID-3)';
const RXR_TOLERATED =
  'RXR: feeds often leave the route out; it only refines the dosage, which is converted without it';

const adt = (id: string, pv1?: string): MessageStructure => ({
  id,
  items: [
    seg('EVN', { tolerated: EVN_TOLERATED }),
    seg('PID'),
    seg('PV1', pv1 === undefined ? {} : { tolerated: pv1 }),
  ],
});

/** The structures, by id. */
export const MESSAGE_STRUCTURES: Readonly<Record<string, MessageStructure>> = {
  ADT_A01: adt('ADT_A01'),
  ADT_A02: adt('ADT_A02'),
  ADT_A03: adt('ADT_A03'),
  ADT_A05: adt('ADT_A05'),
  ADT_A06: adt('ADT_A06'),
  ADT_A09: adt('ADT_A09'),
  ADT_A12: adt('ADT_A12'),
  /** A08 (update patient information) uses ADT_A01, but may update the person alone. */
  ADT_A01_UPDATE: adt(
    'ADT_A01',
    'PV1: an A08 often updates demographics only and comes without a visit; the Patient is converted without an Encounter',
  ),
  /** A28/A31 (person add/update) use ADT_A05, but carry no visit. */
  ADT_A05_PERSON: adt(
    'ADT_A05',
    'PV1: A28/A31 maintain the person, not a visit; feeds send no PV1 or an empty one, and no Encounter is made from it',
  ),
  ADT_A39: {
    id: 'ADT_A39',
    items: [
      seg('EVN', { tolerated: EVN_TOLERATED }),
      group({
        name: 'PATIENT',
        opens: ['PID'],
        requires: [{ segment: 'MRG' }],
        required: true,
      }),
    ],
  },
  ORU_R01: {
    id: 'ORU_R01',
    items: [
      seg('PID', { conversion: PID_FOR_ORDERS }),
      group({
        name: 'ORDER_OBSERVATION',
        opens: ['ORC', 'OBR'],
        requires: [{ segment: 'OBR' }],
        required: true,
      }),
    ],
  },
  ORM_O01: {
    id: 'ORM_O01',
    items: [
      seg('PID', { conversion: PID_FOR_ORDERS }),
      group({ name: 'ORDER', opens: ['ORC'], requires: [], required: true }),
    ],
  },
  OML_O21: {
    id: 'OML_O21',
    items: [
      seg('PID', { conversion: PID_FOR_ORDERS }),
      group({
        name: 'ORDER',
        opens: ['ORC'],
        requires: [
          {
            segment: 'OBR',
            conversion:
              'OBR: the OBSERVATION_REQUEST group is optional in the standard, but a lab order without OBR names no test (ServiceRequest.code)',
          },
        ],
        required: true,
      }),
    ],
  },
  RDE_O11: {
    id: 'RDE_O11',
    items: [
      seg('PID', { conversion: PID_FOR_ORDERS }),
      group({
        name: 'ORDER',
        opens: ['ORC'],
        requires: [{ segment: 'RXE' }, { segment: 'RXR', tolerated: RXR_TOLERATED }],
        required: true,
      }),
    ],
  },
  RDS_O13: {
    id: 'RDS_O13',
    items: [
      seg('PID', { conversion: PID_FOR_ORDERS }),
      group({
        name: 'ORDER',
        opens: ['ORC'],
        requires: [{ segment: 'RXD' }, { segment: 'RXR', tolerated: RXR_TOLERATED }],
        required: true,
      }),
    ],
  },
  VXU_V04: {
    id: 'VXU_V04',
    items: [
      seg('PID'),
      group({
        name: 'ORDER',
        // ORC is required in the group from v2.5 but optional in 2.3.1–2.4, and immunization
        // registries still receive RXA without ORC; RXA is what is converted.
        opens: ['ORC', 'RXA'],
        requires: [{ segment: 'RXA' }],
        required: true,
        conversion: 'ORDER: optional in the standard, but a VXU without RXA holds no immunization to convert',
      }),
    ],
  },
  MDM_T02: {
    id: 'MDM_T02',
    items: [
      seg('EVN', {
        tolerated: 'EVN: the document time is in TXA; the conversion does not read EVN',
      }),
      seg('PID'),
      seg('PV1', {
        tolerated:
          'PV1: documents are often sent outside a visit (empty or no PV1); the DocumentReference needs no Encounter',
      }),
      seg('TXA'),
      group({ name: 'OBXNTE', opens: ['OBX'], requires: [], required: true }),
    ],
  },
  SIU_S12: {
    id: 'SIU_S12',
    items: [
      seg('SCH'),
      group({
        name: 'RESOURCES',
        opens: ['RGS'],
        requires: [],
        required: true,
        tolerated:
          'RGS: feeds send AIS/AIG/AIL/AIP without the RGS that should open their group; the resources are read without it',
      }),
    ],
  },
};

/**
 * Trigger events → structure key, per HL7 table 0354 (v2.5.1). The trigger decides, not MSH-9.3:
 * senders get MSH-9.3 wrong more often than MSH-9.2, and the converter dispatches on the trigger.
 */
const STRUCTURE_BY_TYPE: Readonly<Record<string, string>> = {
  'ADT^A01': 'ADT_A01',
  'ADT^A04': 'ADT_A01',
  'ADT^A08': 'ADT_A01_UPDATE',
  'ADT^A13': 'ADT_A01',
  'ADT^A02': 'ADT_A02',
  'ADT^A03': 'ADT_A03',
  'ADT^A05': 'ADT_A05',
  'ADT^A14': 'ADT_A05',
  'ADT^A28': 'ADT_A05_PERSON',
  'ADT^A31': 'ADT_A05_PERSON',
  'ADT^A06': 'ADT_A06',
  'ADT^A07': 'ADT_A06',
  'ADT^A09': 'ADT_A09',
  'ADT^A10': 'ADT_A09',
  'ADT^A11': 'ADT_A09',
  'ADT^A12': 'ADT_A12',
  'ADT^A39': 'ADT_A39',
  'ADT^A40': 'ADT_A39',
  'ADT^A41': 'ADT_A39',
  'ADT^A42': 'ADT_A39',
  'ORU^R01': 'ORU_R01',
  'ORM^O01': 'ORM_O01',
  'OML^O21': 'OML_O21',
  'RDE^O11': 'RDE_O11',
  'RDS^O13': 'RDS_O13',
  'VXU^V04': 'VXU_V04',
  'MDM^T02': 'MDM_T02',
  'MDM^T04': 'MDM_T02',
  'MDM^T06': 'MDM_T02',
  'MDM^T08': 'MDM_T02',
  'MDM^T10': 'MDM_T02',
  'SIU^S12': 'SIU_S12',
  'SIU^S13': 'SIU_S12',
  'SIU^S14': 'SIU_S12',
  'SIU^S15': 'SIU_S12',
  'SIU^S16': 'SIU_S12',
  'SIU^S17': 'SIU_S12',
  'SIU^S18': 'SIU_S12',
  'SIU^S19': 'SIU_S12',
  'SIU^S20': 'SIU_S12',
  'SIU^S21': 'SIU_S12',
  'SIU^S22': 'SIU_S12',
  'SIU^S23': 'SIU_S12',
  'SIU^S24': 'SIU_S12',
  'SIU^S26': 'SIU_S12',
};

/** The structure for a message type (`ADT^A01`), or undefined when none is defined here. */
export function messageStructureFor(type: string): MessageStructure | undefined {
  const key = STRUCTURE_BY_TYPE[type];
  return key === undefined ? undefined : MESSAGE_STRUCTURES[key];
}

/** Every message type with a structure definition. */
export const STRUCTURED_MESSAGE_TYPES: readonly string[] = Object.keys(STRUCTURE_BY_TYPE);

interface Repetition {
  /** 1-based position of its first segment. */
  start: number;
  /** Index in `opens` of the last opener seen. */
  opener: number;
  names: Set<string>;
}

/** Splits a message's segments into the repetitions of a group (segments before the first opener belong to none). */
function repetitions(names: readonly string[], g: GroupRequirement): Repetition[] {
  const reps: Repetition[] = [];
  let current: Repetition | undefined;
  names.forEach((name, index) => {
    const opener = g.opens.indexOf(name);
    if (opener !== -1 && !(current && opener > current.opener && !current.names.has(name))) {
      current = { start: index + 1, opener, names: new Set([name]) };
      reps.push(current);
      return;
    }
    if (current) {
      if (opener !== -1) current.opener = opener;
      current.names.add(name);
    }
  });
  return reps;
}

const missing = (segment: string, sequence: number, reason: string): Hl7Error => ({
  code: '100',
  segment,
  sequence,
  reason,
});

/**
 * Checks a message against its type's structure: every required segment present (and the required
 * ones in the standard's order), every required group present and each repetition holding what it
 * must. Returns the first problem as an HL7 error 100 (segment sequence error) whose segment is the
 * missing or misplaced segment and whose sequence is its position — for a missing one, where it
 * was expected (the position of the segment it should precede, or one past the last). Undefined
 * when the message conforms, or when its type has no structure defined here.
 */
export function checkMessageStructure(message: Hl7Message, type?: string): Hl7Error | undefined {
  const { code, trigger } = message.messageType;
  const key = type ?? `${code}^${trigger}`;
  const structure = messageStructureFor(key);
  if (!structure) return undefined;
  const names = message.segments.map((s) => s.name);
  // Only a known type (a key of the table) reaches the reason, never arbitrary MSH-9 text.
  const label = `${key} (${structure.id})`;
  // Position (1-based) of the previous required item found, for the order check.
  let previous: { at: number; what: string } = { at: 1, what: 'MSH' };
  for (const item of structure.items) {
    if (item.kind === 'segment') {
      const { segment, tolerated } = item.requirement;
      const at = names.indexOf(segment) + 1;
      if (at === 0) {
        if (tolerated) continue;
        return missing(segment, expectedAt(names, previous.at), `${label} requires a ${segment} segment`);
      }
      if (at < previous.at) {
        return missing(segment, at, `${segment} must come after ${previous.what} in ${label}`);
      }
      previous = { at, what: segment };
      continue;
    }
    const g = item.group;
    const reps = repetitions(names, g);
    if (reps.length === 0) {
      if (!g.required || g.tolerated) continue;
      return missing(
        g.opens[g.opens.length - 1],
        expectedAt(names, previous.at),
        `${label} requires at least one ${g.name} group (${g.opens.join(' or ')})`,
      );
    }
    if (reps[0].start < previous.at) {
      const first = names[reps[0].start - 1];
      return missing(first, reps[0].start, `${first} must come after ${previous.what} in ${label}`);
    }
    for (const [index, rep] of reps.entries()) {
      for (const { segment, tolerated } of g.requires) {
        if (tolerated || rep.names.has(segment)) continue;
        const next = reps[index + 1]?.start ?? names.length + 1;
        return missing(
          segment,
          next,
          `${g.name} group ${index + 1} (from segment ${rep.start}) of ${label} has no ${segment} segment`,
        );
      }
    }
    previous = { at: reps[0].start, what: g.opens.join('/') };
  }
  return undefined;
}

/** Where a missing segment was expected: right after the previous required one. */
function expectedAt(names: readonly string[], previousAt: number): number {
  return Math.min(previousAt + 1, names.length + 1);
}
