import type { ConversionContext } from '../context';
import { fromEpochMs, parseV2DateTime, toEpochMs, toFhirInstant, type V2DateTime } from '../datetime';
import { cwe, cweInTable, ei, heldCode, normaliseCode, tableCoding } from '../datatypes';
import { V2_TABLE, V3 } from '../systems';
import { APPOINTMENT_STATUS, PROVIDER_ROLE } from '../tables';
import type { V2Rep, V2Segment } from '../v2-reader';
import { locationRef } from './location';
import { notesOf } from './observation';
import { practitionerRef } from './practitioner';

export interface AppointmentInput {
  sch: V2Segment;
  /** Resource groups: AIS, AIG, AIL, AIP segments (with their NTEs), in message order. */
  resources: V2Segment[];
  notes: V2Segment[];
  /** TQ1 segments of the schedule (v2.5+; SCH-11 is their deprecated predecessor). */
  tq1: V2Segment[];
  patient?: fhir4.Reference;
  /** Event-implied status (S15 cancelled, S17 entered-in-error, S26 noshow); else from SCH-25. */
  eventStatus?: fhir4.Appointment['status'];
}

/** Appointment identity: SCH-2 filler id, else SCH-1 placer id. */
export function appointmentIdentity(
  ctx: ConversionContext,
  sch: V2Segment,
  fallbackKey: string,
): { identifier?: fhir4.Identifier; key: string; placer?: fhir4.Identifier; filler?: fhir4.Identifier } {
  const filler = ei(ctx, sch.rep(2), 'FILL');
  const placer = ei(ctx, sch.rep(1), 'PLAC');
  const identifier = [filler, placer].find((i) => i?.system !== undefined && i.value !== undefined);
  return {
    identifier,
    key: identifier ? `${identifier.system}|${identifier.value}` : fallbackKey,
    placer,
    filler,
  };
}

/**
 * Duration units → minutes. HL7 v2 examples use single letters (table-less CE: M minutes, S seconds,
 * H hours, D days, W weeks, as in the TQ duration 'M30'), ANSI/ISO+ and UCUM use 'min', 's', 'h',
 * 'd', 'wk'; matched case-insensitively, so 'm' is minutes here, never metres or months.
 */
const DURATION_UNITS: Record<string, number> = {
  S: 1 / 60,
  SEC: 1 / 60,
  SECS: 1 / 60,
  SECOND: 1 / 60,
  SECONDS: 1 / 60,
  M: 1,
  MIN: 1,
  MINS: 1,
  MINUTE: 1,
  MINUTES: 1,
  H: 60,
  HR: 60,
  HRS: 60,
  HOUR: 60,
  HOURS: 60,
  D: 1440,
  DAY: 1440,
  DAYS: 1440,
  W: 10080,
  WK: 10080,
  WEEK: 10080,
  WEEKS: 10080,
};

/** A duration read from the message, and where, for warnings. */
interface Duration {
  minutes: number;
  location: string;
}

/**
 * Minutes from an amount and its unit (a CE: code, else text); undefined when the amount is not a
 * number or the unit is not a time unit. Without a unit the amount is taken as minutes (SCH-9's
 * and AIx duration's documented default) — never silently as seconds or hours.
 */
function minutes(
  ctx: ConversionContext,
  amount: string | undefined,
  unit: V2Rep | undefined,
  location: string,
): Duration | undefined {
  if (amount === undefined) return undefined;
  if (!/^\d+(\.\d+)?$/.test(amount)) {
    ctx.warn('INVALID_NUMBER', location, 'duration is not a number; not used');
    return undefined;
  }
  const code = unit?.text(1) ?? unit?.text(2);
  const factor = code === undefined ? 1 : DURATION_UNITS[code.toUpperCase()];
  if (factor === undefined) {
    ctx.warn(
      'UNMAPPED_CODE',
      location,
      'duration unit is not a time unit this converter reads; duration not used',
    );
    return undefined;
  }
  return { minutes: Number(amount) * factor, location };
}

/** CQ (quantity ^ units as a CE in subcomponents): TQ1-6 service duration. */
function cqMinutes(ctx: ConversionContext, seg: V2Segment, field: number): Duration | undefined {
  const cq = seg.rep(field);
  return cq && minutes(ctx, cq.text(1), cq.nested(2), seg.loc(field));
}

/** TQ.3 duration: 'S90', 'M30', 'H1', 'D1', 'W1' (letter = unit, then the amount). */
function tqDuration(ctx: ConversionContext, seg: V2Segment, field: number): Duration | undefined {
  const text = seg.rep(field)?.text(3);
  if (text === undefined) return undefined;
  const m = /^([SMHDW])(\d+(?:\.\d+)?)$/i.exec(text);
  if (m === null) {
    ctx.warn('INVALID_VALUE', seg.loc(field, 3), 'duration is not S/M/H/D/W followed by a number; not used');
    return undefined;
  }
  return { minutes: Number(m[2]) * DURATION_UNITS[m[1].toUpperCase()], location: seg.loc(field, 3) };
}

interface Timing {
  start?: V2DateTime;
  startLocation: string;
  end?: V2DateTime;
  duration?: Duration;
}

/** Start field, duration field and its units field of each resource segment (v2.5 chapter 10). */
const RESOURCE_TIMING: Record<string, [number, number, number]> = {
  AIS: [4, 7, 8],
  AIG: [8, 11, 12],
  AIL: [6, 9, 10],
  AIP: [6, 9, 10],
};

/**
 * When the appointment is: TQ1-7 start / TQ1-8 end / TQ1-6 duration (v2.5+: TQ1 replaces SCH-11),
 * else SCH-11 (TQ: 4 start, 5 end, 3 duration), else the first resource with a start (AIS-4, AIG-8,
 * AIL-6, AIP-6, with that resource's duration). The duration is the timing source's own (SCH-11.3,
 * the resource's), else a TQ1-6, else SCH-9 in SCH-10's units.
 */
function timing(ctx: ConversionContext, sch: V2Segment, tq1s: V2Segment[], resources: V2Segment[]): Timing {
  // A TQ1 may give the service duration without a start (the start then comes from SCH-11 or a
  // resource): it is still the appointment's duration, before SCH-9.
  const defaultDuration = () =>
    tq1s.map((tq1) => cqMinutes(ctx, tq1, 6)).find((d) => d !== undefined) ??
    minutes(ctx, sch.text(9), sch.rep(10), sch.loc(9));
  for (const tq1 of tq1s) {
    const start = ctx.parseDate(tq1.text(7), tq1.loc(7));
    if (start) {
      return {
        start,
        startLocation: tq1.loc(7),
        end: ctx.parseDate(tq1.text(8), tq1.loc(8)),
        duration: defaultDuration(),
      };
    }
  }
  const tq = sch.rep(11);
  const start = ctx.parseDate(tq?.text(4), sch.loc(11, 4));
  if (start) {
    return {
      start,
      startLocation: sch.loc(11, 4),
      end: ctx.parseDate(tq?.text(5), sch.loc(11, 5)),
      duration: tqDuration(ctx, sch, 11) ?? defaultDuration(),
    };
  }
  // Some v2.3 senders put start^end in the first two TQ components (quantity, interval): a
  // date-time with a time of day is no quantity.
  const shifted = /^\d{12}/.test(tq?.text(1) ?? '') ? parseV2DateTime(tq?.text(1)) : undefined;
  if (shifted) {
    ctx.warn('INVALID_VALUE', sch.loc(11), 'start/end read from TQ components 1 and 2 instead of 4 and 5');
    return {
      start: shifted,
      startLocation: sch.loc(11, 1),
      end: parseV2DateTime(tq?.text(2)),
      duration: defaultDuration(),
    };
  }
  for (const seg of resources) {
    const [s, d, u] = RESOURCE_TIMING[seg.name];
    const dt = ctx.parseDate(seg.text(s), seg.loc(s));
    if (dt)
      return {
        start: dt,
        startLocation: seg.loc(s),
        duration: minutes(ctx, seg.text(d), seg.rep(u), seg.loc(d)) ?? defaultDuration(),
      };
  }
  return { startLocation: tq1s.length > 0 ? tq1s[0].loc(7) : sch.loc(11, 4), duration: defaultDuration() };
}

/**
 * A CWE whose code the table holds, coded in the table (its spelling: 'BOOKED' → 'Booked' in 0278);
 * undefined when the table does not hold it, so the caller can read the field another way.
 */
function heldConcept(
  ctx: ConversionContext,
  rep: V2Rep | undefined,
  table: string,
): fhir4.CodeableConcept | undefined {
  const code = normaliseCode(rep?.text(1));
  if (code === undefined || !heldCode(V2_TABLE(table), code)) return undefined;
  const coding = tableCoding(ctx, table, code, rep?.text(2));
  return coding && { coding: [coding] };
}

/** AIx filler status (table 0278) → how that participant stands to the appointment. */
const PARTICIPANT_STATUS: Record<string, fhir4.AppointmentParticipant['status']> = {
  BOOKED: 'accepted',
  STARTED: 'accepted',
  COMPLETE: 'accepted',
  OVERBOOK: 'accepted',
  BLOCKED: 'accepted',
  PENDING: 'tentative',
  WAITLIST: 'tentative',
  CANCELLED: 'declined',
  DC: 'declined',
  DELETED: 'declined',
  NOSHOW: 'declined',
};

/** Filler status field of each resource segment. */
const RESOURCE_STATUS: Record<string, number> = { AIS: 10, AIG: 14, AIL: 12, AIP: 12 };
/** Allow substitution field (table 0279: No, Yes, Confirm) of each resource segment. */
const RESOURCE_SUBSTITUTION: Record<string, number> = { AIS: 9, AIG: 13, AIL: 11, AIP: 11 };

/**
 * 'required' when the scheduler says this very resource may not be substituted (0279 'No'); a
 * resource that may be replaced says nothing about whether the appointment needs it, so omitted.
 */
function participantRequired(seg: V2Segment): fhir4.AppointmentParticipant['required'] {
  const code = normaliseCode(seg.text(RESOURCE_SUBSTITUTION[seg.name]))?.toUpperCase();
  return code === 'NO' || code === 'N' ? 'required' : undefined;
}

function participantStatus(seg: V2Segment): fhir4.AppointmentParticipant['status'] {
  const code = normaliseCode(seg.text(RESOURCE_STATUS[seg.name]))?.toUpperCase();
  // A resource listed without a status of its own is booked with the appointment.
  return (code !== undefined ? PARTICIPANT_STATUS[code] : undefined) ?? 'accepted';
}

function participantType(
  role: V2Rep | undefined,
  ctx: ConversionContext,
): fhir4.CodeableConcept[] | undefined {
  const code = normaliseCode(role?.text(1))?.toUpperCase();
  const v3 = code !== undefined ? PROVIDER_ROLE[code] : undefined;
  if (v3 !== undefined) return [{ coding: [{ system: V3('ParticipationType'), code: v3 }] }];
  const concept = cweInTable(ctx, role, '0443');
  return concept && [concept];
}

/** SCH (+ TQ1, NTE) + AIS/AIG/AIL/AIP → Appointment. */
export function buildAppointment(
  ctx: ConversionContext,
  input: AppointmentInput,
  fallbackKey: string,
): fhir4.Reference {
  const { sch } = input;
  // A resource the filler removes from the appointment (segment action code D) takes no part in it.
  const resources = input.resources.filter((seg) => normaliseCode(seg.text(2))?.toUpperCase() !== 'D');
  const { identifier, key, placer, filler } = appointmentIdentity(ctx, sch, fallbackKey);
  const fillerStatus = normaliseCode(sch.text(25))?.toUpperCase();
  let status =
    input.eventStatus ?? (fillerStatus !== undefined ? APPOINTMENT_STATUS[fillerStatus] : undefined);
  if (status === undefined) {
    if (fillerStatus !== undefined) {
      ctx.warn(
        'UNMAPPED_CODE',
        sch.loc(25),
        'filler status is not in HL7 table 0278; appointment taken as booked',
      );
    }
    status = 'booked';
  }

  const t = timing(ctx, sch, input.tq1, resources);
  let start = t.start && toFhirInstant(t.start, ctx.tz);
  let end = t.end && toFhirInstant(t.end, ctx.tz);
  if (t.start && end === undefined && t.duration !== undefined) {
    end = fromEpochMs(toEpochMs(t.start, ctx.tz) + Math.round(t.duration.minutes * 60000), t.start, ctx.tz);
  }
  if (start !== undefined && end !== undefined && Date.parse(end) < Date.parse(start)) {
    ctx.warn('INVALID_VALUE', t.startLocation, 'appointment ends before it starts; end not used');
    end = undefined;
  }
  let requestedPeriod: fhir4.Period[] | undefined;
  if (start === undefined || end === undefined) {
    // FHIR: start and end come together, and only proposed/cancelled/waitlist appointments may lack them.
    if (start !== undefined) requestedPeriod = [{ start }];
    start = undefined;
    end = undefined;
    if (status !== 'proposed' && status !== 'cancelled' && status !== 'waitlist') {
      ctx.warn('MISSING_VALUE', t.startLocation, 'appointment start or end unknown; status set to proposed');
      status = 'proposed';
    }
  }
  // The duration the scheduler gave (in its units), else the span from start to end.
  const spanMinutes =
    start !== undefined && end !== undefined ? (Date.parse(end) - Date.parse(start)) / 60000 : undefined;
  const duration = Math.round(t.duration?.minutes ?? spanMinutes ?? 0);

  const participant: fhir4.AppointmentParticipant[] = [];
  // The patient is who the appointment is for: never optional.
  if (input.patient) participant.push({ actor: input.patient, required: 'required', status: 'accepted' });
  const serviceType: fhir4.CodeableConcept[] = [];
  for (const seg of resources) {
    const participantStatusCode = participantStatus(seg);
    const required = participantRequired(seg);
    if (seg.name === 'AIS') {
      // A service is what is done, not who takes part: Appointment.serviceType.
      const service = cwe(ctx, seg.rep(3));
      if (service) serviceType.push(service);
    } else if (seg.name === 'AIP') {
      for (const rep of seg.reps(3)) {
        const actor = practitionerRef(ctx, rep);
        if (actor) {
          participant.push({
            type: participantType(seg.rep(4), ctx),
            actor,
            required,
            status: participantStatusCode,
          });
        }
      }
    } else if (seg.name === 'AIL') {
      const actor = locationRef(ctx, seg.rep(3));
      if (actor) participant.push({ actor, required, status: participantStatusCode });
    } else if (seg.name === 'AIG') {
      const resource = cwe(ctx, seg.rep(3));
      const display = resource?.text ?? resource?.coding?.[0]?.display ?? resource?.coding?.[0]?.code;
      const type = cwe(ctx, seg.rep(4));
      if (display !== undefined || type !== undefined) {
        participant.push({
          type: type && [type],
          actor: display !== undefined ? { display } : undefined,
          required,
          status: participantStatusCode,
        });
      }
    }
  }
  if (participant.length === 0) {
    ctx.warn('MISSING_VALUE', sch.loc(), 'appointment names no patient or resource; participant status only');
    participant.push({ type: [{ text: 'unknown' }], status: 'needs-action' });
  }

  const cancelled = status === 'cancelled' || status === 'noshow';
  // SCH-6 is the reason for the scheduling event: for a cancellation, why it was cancelled.
  const eventReason = cwe(ctx, sch.rep(6));
  // SCH-7 appointment reason: a table 0276 code (ROUTINE, WALKIN, CHECKUP, FOLLOWUP, EMERGENCY) is
  // the appointment type FHIR binds to that table; anything else is the clinical reason for the visit.
  // SCH-8 appointment type (table 0277: Normal, Tentative, Complete) is the type otherwise.
  const reason = sch.rep(7);
  const reasonType = heldConcept(ctx, reason, '0276');
  const schType = sch.rep(8);
  const appointmentType = reasonType ?? heldConcept(ctx, schType, '0277') ?? cwe(ctx, schType);
  const comments = notesOf(input.notes).map((n) => n.text);
  // SCH-26/SCH-27 (v2.5+): the order the appointment fulfils, referenced by its number only, so
  // the schedule never overwrites the order the placer wrote.
  const orderNumber = ei(ctx, sch.rep(26), 'PLAC') ?? ei(ctx, sch.rep(27), 'FILL');
  const appointment: fhir4.Appointment = {
    resourceType: 'Appointment',
    identifier: [filler, placer].filter((i) => i !== undefined),
    status,
    cancelationReason: cancelled ? eventReason : undefined,
    serviceType,
    appointmentType,
    reasonCode: reasonType !== undefined ? undefined : [cwe(ctx, reason)].filter((c) => c !== undefined),
    basedOn: orderNumber && [{ type: 'ServiceRequest', identifier: orderNumber }],
    start,
    end,
    minutesDuration: duration > 0 ? duration : undefined,
    comment: comments.length > 0 ? comments.join('\n') : undefined,
    participant,
    requestedPeriod,
  };
  return ctx.bundle.add(appointment, identifier ? { identifier, key } : { key });
}
