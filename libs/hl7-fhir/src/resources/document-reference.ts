import type { ConversionContext } from '../context';
import { parseV2DateTime, toFhirInstant } from '../datetime';
import { ei, identifier, normaliseCode, tableCoding } from '../datatypes';
import { V3 } from '../systems';
import { DOC_AVAILABILITY, DOC_STATUS, DOCUMENT_TYPE_LOINC } from '../tables';
import type { V2Segment } from '../v2-reader';
import type { ResultGroup } from './diagnostic-report';
import { edData, mimeType } from './observation-value';
import { practitionerRef } from './practitioner';

/** TXA-18 (table 0272) → v3 Confidentiality. */
const CONFIDENTIALITY: Record<string, string> = { V: 'V', R: 'R', U: 'N' };

export interface DocumentInput {
  txa: V2Segment;
  content: ResultGroup[];
  patient: fhir4.Reference;
  patientKey: string;
  encounter?: fhir4.Reference;
  trigger: string;
  /** The orders the document is about (MDM ORC/OBR). */
  related?: fhir4.Reference[];
}

const TEXT_TYPES = new Set(['TX', 'FT', 'ST', 'CE', 'CWE']);

/**
 * OBX content of a document: text values (TX/FT/ST) in order as one UTF-8 text/plain attachment,
 * each ED value as its own attachment. undefined when there is no content at all.
 */
export function documentContent(
  ctx: ConversionContext,
  groups: ResultGroup[],
  creation: string | undefined,
): fhir4.DocumentReferenceContent[] {
  const lines: string[] = [];
  const attachments: fhir4.Attachment[] = [];
  for (const { obx } of groups) {
    const type = obx.text(2)?.toUpperCase();
    if (type === 'ED') {
      const rep = obx.rep(5);
      const data = rep && edData(rep.text(4), rep.text(5));
      if (rep === undefined || data === undefined) {
        ctx.warn('INVALID_VALUE', obx.loc(5), 'encapsulated data missing or not decodable; not converted');
        continue;
      }
      attachments.push({
        contentType: mimeType(rep.text(2), rep.text(3)) ?? 'application/octet-stream',
        data,
        creation,
      });
    } else if (type === 'RP') {
      const pointer = obx.rep(5)?.text(1);
      if (pointer !== undefined && /^[a-z][a-z0-9+.-]*:\S+$/i.test(pointer)) {
        attachments.push({
          contentType: mimeType(obx.rep(5)?.text(3), obx.rep(5)?.text(4)),
          url: pointer,
          creation,
        });
      } else {
        ctx.warn('INVALID_VALUE', obx.loc(5), 'reference pointer is not a URL; not converted');
      }
    } else {
      if (type === undefined || !TEXT_TYPES.has(type)) {
        ctx.warn(
          'UNKNOWN_VALUE_TYPE',
          obx.loc(2),
          'document content of an unexpected value type; kept as text',
        );
      }
      // A blank line is content in a document, so empty repetitions are kept as empty lines.
      const reps = obx.allReps(5);
      if (reps.length === 0) lines.push('');
      for (const rep of reps) lines.push(rep.wholeText() ?? '');
    }
  }
  const content: fhir4.DocumentReferenceContent[] = [];
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length > 0) {
    content.push({
      attachment: {
        contentType: 'text/plain',
        data: Buffer.from(lines.join('\n'), 'utf8').toString('base64'),
        creation,
      },
    });
  }
  for (const attachment of attachments) content.push({ attachment });
  return content;
}

/** TXA + OBX content → DocumentReference, matched on TXA-12 (unique document number), else TXA-16. */
export function buildDocumentReference(
  ctx: ConversionContext,
  input: DocumentInput,
  content: fhir4.DocumentReferenceContent[],
): fhir4.Reference {
  const { txa } = input;
  const master = ei(ctx, txa.rep(12));
  const fileName = txa.text(16);
  const fileId =
    fileName !== undefined
      ? identifier(ctx, { value: fileName, fallbackSystem: ctx.localSystem('document-file') })
      : undefined;
  const matchOn = [master, fileId].find((i) => i?.system !== undefined && i.value !== undefined);

  const typeCode = normaliseCode(txa.text(2))?.toUpperCase();
  const loinc = typeCode !== undefined ? DOCUMENT_TYPE_LOINC[typeCode] : undefined;
  const completion = normaliseCode(txa.text(17))?.toUpperCase();
  const availability = normaliseCode(txa.text(19))?.toUpperCase();
  const confidentiality = normaliseCode(txa.text(18))?.toUpperCase();
  const parent = ei(ctx, txa.rep(13));
  const activity = ctx.dateTime(txa.text(4), txa.loc(4));
  // TXA-6 and TXA-4 were read (and warned about) above: parsed again quietly as instants.
  const origination = parseV2DateTime(txa.text(6)) ?? parseV2DateTime(txa.text(4));
  const date = origination && origination.year >= 1800 ? toFhirInstant(origination, ctx.tz) : undefined;

  const authors = txa
    .reps(9)
    .map((r) => practitionerRef(ctx, r))
    .filter((r) => r !== undefined);
  if (authors.length === 0) {
    for (const rep of txa.reps(5)) {
      const ref = practitionerRef(ctx, rep);
      if (ref) authors.push(ref);
    }
  }
  const doc: fhir4.DocumentReference = {
    resourceType: 'DocumentReference',
    masterIdentifier: master,
    identifier: fileId && [fileId],
    status: (availability !== undefined ? DOC_AVAILABILITY[availability] : undefined) ?? 'current',
    docStatus: completion !== undefined ? DOC_STATUS[completion] : undefined,
    type:
      typeCode !== undefined
        ? {
            coding: [
              tableCoding(ctx, '0270', typeCode, txa.rep(2)?.text(2))!,
              ...(loinc ? [{ system: 'http://loinc.org', ...loinc }] : []),
            ],
          }
        : undefined,
    subject: input.patient,
    date,
    author: authors,
    authenticator: practitionerRef(ctx, txa.rep(22)) ?? practitionerRef(ctx, txa.rep(10)),
    relatesTo: parent
      ? [
          {
            code: input.trigger === 'T08' || input.trigger === 'T10' ? 'replaces' : 'appends',
            target: { type: 'DocumentReference', identifier: parent },
          },
        ]
      : undefined,
    securityLabel:
      confidentiality !== undefined && CONFIDENTIALITY[confidentiality]
        ? [{ coding: [{ system: V3('Confidentiality'), code: CONFIDENTIALITY[confidentiality] }] }]
        : undefined,
    content,
    context: {
      encounter: input.encounter && [input.encounter],
      related: input.related,
      period: activity !== undefined ? { start: activity } : undefined,
    },
  };
  const key = matchOn
    ? `${matchOn.system}|${matchOn.value}`
    : `${input.patientKey}|message:${ctx.msg.msh.text(10) ?? ''}`;
  return ctx.bundle.add(doc, matchOn ? { identifier: matchOn, key } : { key });
}
