import type { ConversionContext } from '../context';
import {
  cwe,
  cx,
  heldCode,
  inSystem,
  nameText,
  normaliseCode,
  tableCoding,
  xad,
  xpn,
  xtn,
} from '../datatypes';
import { V3 } from '../systems';
import { CONTACT_ROLE, GENDER, RELATIONSHIP } from '../tables';
import type { V2Segment } from '../v2-reader';

/** NK1 → RelatedPerson (`PUT RelatedPerson/<id>`, id from patient + name + relationship). */
export function buildRelatedPerson(
  ctx: ConversionContext,
  nk1: V2Segment,
  patient: fhir4.Reference,
  patientKey: string,
): fhir4.Reference | undefined {
  const names = nk1
    .reps(2)
    .map((r, i) => xpn(r, ctx, `${nk1.loc(2)}[${i + 1}]`))
    .filter((n) => n !== undefined);
  const telecom = [
    ...nk1.reps(5).map((r) => xtn(r, 'home')),
    ...nk1.reps(6).map((r) => xtn(r, 'work')),
    ...nk1.reps(40).map((r) => xtn(r)),
  ].filter((t) => t !== undefined);
  const address = nk1
    .reps(4)
    .map((r, i) => xad(ctx, r, `${nk1.loc(4)}[${i + 1}]`))
    .filter((a) => a !== undefined);
  const organization = nk1.text(13);
  if (names.length === 0 && telecom.length === 0 && address.length === 0 && organization === undefined) {
    ctx.warn(
      'SEGMENT_SKIPPED',
      nk1.loc(),
      'next of kin has no name, address, telecom or organization; not converted',
    );
    return undefined;
  }

  const relationship: fhir4.CodeableConcept[] = [];
  const rel = nk1.rep(3);
  const relCode = normaliseCode(rel?.text(1))?.toUpperCase();
  if (rel && relCode !== undefined) {
    const systemName = rel.text(3);
    if (systemName === undefined || /^HL7-?0063$/i.test(systemName)) {
      // Table 0063 when it holds the code (with the v3 RoleCode the binding prefers, where there is
      // one), else the sender's local 0063.
      const coding = tableCoding(ctx, '0063', rel.text(1), rel.text(2))!;
      const known = inSystem(coding, '0063') ? RELATIONSHIP[coding.code ?? ''] : undefined;
      const v3 = known?.v3 !== undefined && heldCode(V3('RoleCode'), known.v3) ? known.v3 : undefined;
      relationship.push({
        coding: [
          { ...coding, display: coding.display ?? known?.display },
          ...(v3 !== undefined ? [{ system: V3('RoleCode'), code: v3 }] : []),
        ],
        text: rel.text(9),
      });
    } else {
      const coded = cwe(ctx, rel);
      if (coded) relationship.push(coded);
    }
  }
  const role = nk1.rep(7);
  const roleCode = normaliseCode(role?.text(1))?.toUpperCase();
  if (role && roleCode !== undefined) {
    const coding = tableCoding(ctx, '0131', role.text(1), role.text(2))!;
    relationship.push({
      coding: [{ ...coding, display: coding.display ?? CONTACT_ROLE[roleCode] }],
    });
  }

  const gender = nk1.text(15)?.toUpperCase();
  const resource: fhir4.RelatedPerson = {
    resourceType: 'RelatedPerson',
    identifier: nk1
      .reps(33)
      .map((r) => cx(ctx, r, nk1.loc(33)))
      .filter((i) => i !== undefined),
    active: true,
    patient,
    relationship,
    name: names.length > 0 ? names : organization !== undefined ? [{ text: organization }] : undefined,
    telecom,
    gender: gender !== undefined ? GENDER[gender] : undefined,
    birthDate: ctx.date(nk1.text(16), nk1.loc(16)),
    address,
  };
  const key = [patientKey, nameText(names[0]) ?? organization ?? '', relCode ?? '', roleCode ?? ''].join('|');
  return ctx.bundle.add(resource, { key });
}
