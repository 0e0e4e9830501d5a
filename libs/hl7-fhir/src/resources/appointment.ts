import type { ConversionContext } from '../context';
import { fromEpochMs, parseV2DateTime, toEpochMs, toFhirInstant, type V2DateTime } from '../datetime';
import { cwe, cweInTable, ei, normaliseCode } from '../datatypes';
import { V3 } from '../systems';
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

const APPOINTMENT_TYPES = new Set(['ROUTINE', 'WALKIN', 'CHECKUP', 'FOLLOWUP', 'EMERGENCY']);

const DURATION_UNITS: Record<string, number> = {
  S: 1 / 60,
  SEC: 1 / 60,
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
};

/** Minutes from an amount and a unit (CE code or text; default minutes); undefined when unreadable. */
function minutes(amount: string | undefined, unit: V2Rep | undefined): number | undefined {
  if (amount === undefined || !/^\d+(\.\d+)?$/.test(amount)) return undefined;
  const code = (unit?.text(1) ?? unit?.text(2))?.toUpperCase();
  const factor = code === undefined ? 1 : DURATION_UNITS[code];
  return factor === undefined ? undefined : Number(amount) * factor;
}

/** TQ.3 duration 'M30', 'H1', 'S90', 'D1', 'W1'. */
function tqDuration(text: string | undefined): number | undefined {
  const m = text === undefined ? null : /^([SMHDW])(\d+)$/i.exec(text);
  return m ? Number(m[2]) * (DURATION_UNITS[m[1].toUpperCase()] ?? 1) : undefined;
}

interface Timing {
  start?: V2DateTime;
  startLocation: string;
  end?: V2DateTime;
  minutes?: number;
}

/** SCH-11 (TQ: start 4, end 5, duration 3), else the first resource with a start (AIS/AIG/AIL/AIP), else SCH-9/10. */
function timing(ctx: ConversionContext, sch: V2Segment, resources: V2Segment[]): Timing {
  const tq = sch.rep(11);
  const start = ctx.parseDate(tq?.text(4), sch.loc(11, 4));
  if (start) {
    return {
      start,
      startLocation: sch.loc(11, 4),
      end: ctx.parseDate(tq?.text(5), sch.loc(11, 5)),
      minutes: tqDuration(tq?.text(3)) ?? minutes(sch.text(9), sch.rep(10)),
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
      minutes: minutes(sch.text(9), sch.rep(10)),
    };
  }
  // Start field, duration field and its units field per resource segment.
  const fields: Record<string, [number, number, number]> = {
    AIS: [4, 7, 8],
    AIG: [8, 11, 12],
    AIL: [6, 9, 10],
    AIP: [6, 9, 10],
  };
  for (const seg of resources) {
    const [s, d, u] = fields[seg.name];
    const dt = ctx.parseDate(seg.text(s), seg.loc(s));
    if (dt)
      return {
        start: dt,
        startLocation: seg.loc(s),
        minutes: minutes(seg.text(d), seg.rep(u)) ?? minutes(sch.text(9), sch.rep(10)),
      };
  }
  return { startLocation: sch.loc(11, 4), minutes: minutes(sch.text(9), sch.rep(10)) };
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

/** SCH + AIS/AIG/AIL/AIP (+ NTE) → Appointment. */
export function buildAppointment(
  ctx: ConversionContext,
  input: AppointmentInput,
  fallbackKey: string,
): fhir4.Reference {
  const { sch, resources } = input;
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

  const t = timing(ctx, sch, resources);
  let start = t.start && toFhirInstant(t.start, ctx.tz);
  let end = t.end && toFhirInstant(t.end, ctx.tz);
  if (t.start && end === undefined && t.minutes !== undefined) {
    end = fromEpochMs(toEpochMs(t.start, ctx.tz) + t.minutes * 60000, t.start, ctx.tz);
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
  const duration =
    start !== undefined && end !== undefined && t.start
      ? Math.round((Date.parse(end) - toEpochMs(t.start, ctx.tz)) / 60000)
      : undefined;

  const participant: fhir4.AppointmentParticipant[] = [];
  if (input.patient) participant.push({ actor: input.patient, status: 'accepted' });
  const serviceType: fhir4.CodeableConcept[] = [];
  for (const seg of resources) {
    if (seg.name === 'AIS') {
      const service = cwe(ctx, seg.rep(3));
      if (service) serviceType.push(service);
    } else if (seg.name === 'AIP') {
      for (const rep of seg.reps(3)) {
        const actor = practitionerRef(ctx, rep);
        if (actor) participant.push({ type: participantType(seg.rep(4), ctx), actor, status: 'accepted' });
      }
    } else if (seg.name === 'AIL') {
      const actor = locationRef(ctx, seg.rep(3));
      if (actor) participant.push({ actor, status: 'accepted' });
    } else if (seg.name === 'AIG') {
      const resource = cwe(ctx, seg.rep(3));
      const display = resource?.text ?? resource?.coding?.[0]?.display ?? resource?.coding?.[0]?.code;
      const type = cwe(ctx, seg.rep(4));
      if (display !== undefined || type !== undefined) {
        participant.push({
          type: type && [type],
          actor: display !== undefined ? { display } : undefined,
          status: 'accepted',
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
  // SCH-7: a table 0276 code (ROUTINE, WALKIN, CHECKUP, FOLLOWUP, EMERGENCY) is the appointment type
  // FHIR binds to that table; anything else is the clinical reason for the visit.
  const reason = sch.rep(7);
  const reasonCode = normaliseCode(reason?.text(1))?.toUpperCase();
  const isType = reasonCode !== undefined && APPOINTMENT_TYPES.has(reasonCode);
  const comments = notesOf(input.notes).map((n) => n.text);
  const appointment: fhir4.Appointment = {
    resourceType: 'Appointment',
    identifier: [filler, placer].filter((i) => i !== undefined),
    status,
    cancelationReason: cancelled ? eventReason : undefined,
    serviceType,
    appointmentType: isType ? cweInTable(ctx, reason, '0276') : undefined,
    reasonCode: isType ? undefined : [cwe(ctx, reason)].filter((c) => c !== undefined),
    start,
    end,
    minutesDuration: duration !== undefined && duration > 0 ? duration : undefined,
    comment: comments.length > 0 ? comments.join('\n') : undefined,
    participant,
    requestedPeriod,
  };
  return ctx.bundle.add(appointment, identifier ? { identifier, key } : { key });
}
