import type { ConversionContext } from '../context';
import { cx, xpn } from '../datatypes';
import { buildPatient } from '../resources/patient';
import { type ConversionError, isConversionError } from '../types';
import type { V2Segment } from '../v2-reader';

/** One PATIENT group of ADT_A39 (A40): the surviving patient (PID, PD1) and the records merged into it (MRG). */
interface MergeGroup {
  pid: V2Segment;
  pd1?: V2Segment;
  mrg: V2Segment[];
}

/** The PID as sent, but for PID-1 (set id): the same patient sent again in another PATIENT group. */
const pidContent = (pid: V2Segment): string => pid.raw.split(pid.enc.field).slice(2).join(pid.enc.field);

function mergeGroups(ctx: ConversionContext): MergeGroup[] {
  const groups: MergeGroup[] = [];
  let current: MergeGroup | undefined;
  for (const seg of ctx.msg.segments) {
    if (seg.name === 'PID') {
      // Senders may repeat the survivor's PID for each record merged into it: its MRGs are gathered
      // into one group, so the survivor is built once with every `replaces` link.
      const again = groups.find((g) => pidContent(g.pid) === pidContent(seg));
      current = again ?? { pid: seg, mrg: [] };
      if (again === undefined) groups.push(current);
    } else if (seg.name === 'PD1' && current && current.mrg.length === 0) {
      current.pd1 ??= seg;
    } else if (seg.name === 'MRG') {
      if (current) current.mrg.push(seg);
      else ctx.warn('SEGMENT_SKIPPED', seg.loc(), 'MRG before any PID has no surviving patient; not merged');
    }
  }
  return groups;
}

/**
 * The prior patient's identifiers (MRG-1, MRG-4 prior patient ID, MRG-2 prior alternate ID: the
 * counterparts of PID-3, PID-2, PID-4) and the one it is matched on, chosen as buildPatient chooses
 * a PID's: an identifier with a system typed MR, else the first with a system, else the first. The
 * same PID-3 sent earlier therefore gives the same conditional update (or derived id), and the merge
 * reaches the Patient that earlier messages wrote.
 */
function priorIdentifiers(
  ctx: ConversionContext,
  mrg: V2Segment,
): { all: fhir4.Identifier[]; key?: fhir4.Identifier } {
  const read = (field: number) =>
    mrg
      .reps(field)
      .map((r, i) => cx(ctx, r, `${mrg.loc(field)}[${i + 1}]`))
      .filter((i): i is fhir4.Identifier => i !== undefined);
  const mrg1 = read(1);
  const all: fhir4.Identifier[] = [];
  for (const id of [...mrg1, ...read(4), ...read(2)]) {
    if (!all.some((a) => a.system === id.system && a.value === id.value)) all.push(id);
  }
  const key =
    mrg1.find((i) => i.system !== undefined && i.type?.coding?.[0]?.code === 'MR') ??
    all.find((i) => i.system !== undefined) ??
    all[0];
  return { all, key };
}

/**
 * ADT^A40 (merge patient, patient identifier list): per PID/MRG pair, the surviving Patient (PID,
 * written as any ADT writes it) `replaces` the prior one, and the prior Patient (MRG) becomes
 * inactive and `replaced-by` the survivor. Both are in the one transaction Bundle, so a server
 * applies the merge whole or not at all. The prior Patient is written with what MRG says of it
 * (identifiers, MRG-7 name): its other details are superseded by the survivor's. Its identifiers are
 * not copied onto the survivor, since a search by them must keep matching exactly one Patient.
 */
export function convertAdtMerge(ctx: ConversionContext): ConversionError | undefined {
  const groups = mergeGroups(ctx);
  if (groups.length === 0) {
    return { code: 'MISSING_SEGMENT', location: 'PID', reason: 'ADT^A40 message without a PID segment' };
  }
  for (const group of groups) {
    if (group.mrg.length === 0) {
      return {
        code: 'MISSING_SEGMENT',
        location: 'MRG',
        reason: `patient ${group.pid.loc()} of the merge has no MRG segment naming the record merged into it`,
      };
    }
  }
  for (const group of groups) {
    // The prior records are read first: the survivor is built once, with its `replaces` links.
    const priors = group.mrg.map((mrg) => {
      const ids = priorIdentifiers(ctx, mrg);
      const key = ids.key && `${ids.key.system ?? ''}|${ids.key.value}`;
      const ref = ids.key && ctx.bundle.reference('Patient', { identifier: ids.key, key });
      return { mrg, ids, key, ref };
    });
    const link: fhir4.PatientLink[] = [];
    for (const { ref } of priors) {
      if (ref !== undefined && !link.some((l) => l.other.reference === ref.reference))
        link.push({ other: ref, type: 'replaces' });
    }
    const survivor = buildPatient(ctx, group.pid, group.pd1, 'update', { link });
    if (isConversionError(survivor)) return survivor;
    for (const { mrg, ids, key } of priors) {
      if (ids.key === undefined || key === undefined) {
        return {
          code: 'MISSING_PATIENT_IDENTIFIER',
          location: mrg.loc(1),
          reason: 'the merged patient has no identifier in MRG-1, MRG-4 or MRG-2, so it cannot be matched',
        };
      }
      if (key === survivor.key) {
        ctx.warn(
          'INVALID_VALUE',
          mrg.loc(1),
          'the prior identifier is the surviving patient’s own; not merged',
        );
        continue;
      }
      const name = mrg
        .reps(7)
        .map((r) => xpn(r))
        .filter((n) => n !== undefined);
      ctx.bundle.add(
        {
          resourceType: 'Patient',
          identifier: ids.all,
          active: false,
          name,
          link: [{ other: survivor.ref, type: 'replaced-by' }],
        },
        { identifier: ids.key, key, mode: 'update' },
      );
    }
  }
  return undefined;
}
