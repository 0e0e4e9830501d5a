import type { ConversionContext } from '../context';
import { cwe, cx, identifier, tableConcept, xad, xtn } from '../datatypes';
import type { V2Segment } from '../v2-reader';

const CLASS = 'http://terminology.hl7.org/CodeSystem/coverage-class';
const RELATIONSHIP = 'http://terminology.hl7.org/CodeSystem/subscriber-relationship';

/** IN1-17 (table 0063) → subscriber-relationship. */
const SUBSCRIBER: Record<string, string> = {
  SEL: 'self',
  SELF: 'self',
  '01': 'self',
  '18': 'self',
  SPO: 'spouse',
  DOM: 'common',
  CHD: 'child',
  PAR: 'parent',
  MTH: 'parent',
  FTH: 'parent',
  EME: 'other',
  OTH: 'other',
};

/** IN1-3/IN1-4/IN1-5/IN1-7 → the insurer: an Organization created if missing, or a display-only payor. */
function payorRef(ctx: ConversionContext, in1: V2Segment): fhir4.Reference | undefined {
  const name = in1.text(4);
  const ids = in1
    .reps(3)
    .map((r) => cx(ctx, r, in1.loc(3)))
    .filter((i) => i !== undefined);
  const key = ids.find((i) => i.system !== undefined);
  if (key === undefined) return name === undefined ? undefined : { display: name };
  const ref = ctx.bundle.add(
    {
      resourceType: 'Organization',
      identifier: ids,
      active: true,
      name,
      // An organization has no home (org-2, org-3): a sender's 'home' type (P, PRN) says nothing then.
      address: in1
        .reps(5)
        .map((r) => xad(ctx, r, in1.loc(5)))
        .filter((a) => a !== undefined)
        .map((a) => (a.use === 'home' ? { ...a, use: undefined } : a)),
      telecom: in1
        .reps(7)
        .map((r) => xtn(r, 'work'))
        .filter((t) => t !== undefined)
        .map((t) => (t.use === 'home' ? { ...t, use: undefined } : t)),
    },
    { identifier: key, mode: 'create-if-missing' },
  );
  return { ...ref, display: name };
}

/** IN1 → Coverage (`PUT Coverage/<id>`, id from patient + insurer + plan + policy number). */
export function buildCoverage(
  ctx: ConversionContext,
  in1: V2Segment,
  patient: fhir4.Reference,
  patientKey: string,
): fhir4.Reference | undefined {
  const payor = payorRef(ctx, in1);
  if (payor === undefined) {
    ctx.warn('MISSING_VALUE', in1.loc(3), 'insurance company id and name missing; coverage not converted');
    return undefined;
  }
  const plan = cwe(ctx, in1.rep(2));
  const planCode = plan?.coding?.[0]?.code;
  const group = in1.text(8);
  const policy = in1.text(36);
  const relRep = in1.rep(17);
  const relCode = relRep && (relRep.text(1)?.toUpperCase() ?? relRep.text(2)?.toUpperCase());
  const relText = relRep?.text(2)?.toUpperCase();
  const relationship =
    (relCode !== undefined ? SUBSCRIBER[relCode] : undefined) ??
    (relText !== undefined ? SUBSCRIBER[relText] : undefined);
  const coverageClass: fhir4.CoverageClass[] = [];
  if (planCode !== undefined) {
    coverageClass.push({
      type: { coding: [{ system: CLASS, code: 'plan' }] },
      value: planCode,
      name: plan?.coding?.[0]?.display,
    });
  }
  if (group !== undefined) {
    coverageClass.push({
      type: { coding: [{ system: CLASS, code: 'group' }] },
      value: group,
      name: in1.text(9),
    });
  }
  const order = Number(in1.text(22));
  const coverage: fhir4.Coverage = {
    resourceType: 'Coverage',
    identifier:
      policy !== undefined
        ? [identifier(ctx, { value: policy, typeCode: 'MB', fallbackSystem: ctx.localSystem('policy') })!]
        : undefined,
    status: 'active',
    type: tableConcept(ctx, in1.text(15), '0086'),
    subscriberId: in1.text(49) ?? policy,
    beneficiary: patient,
    relationship: relationship ? { coding: [{ system: RELATIONSHIP, code: relationship }] } : undefined,
    period: ctx.period(in1.text(12), in1.loc(12), in1.text(13), in1.loc(13), 'date'),
    payor: [payor],
    class: coverageClass,
    order: Number.isInteger(order) && order > 0 ? order : undefined,
  };
  const key = [patientKey, payor.reference ?? payor.display ?? '', planCode ?? '', policy ?? ''].join('|');
  return ctx.bundle.add(coverage, { key });
}
