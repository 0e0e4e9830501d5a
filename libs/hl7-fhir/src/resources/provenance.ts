import type { ConversionContext } from '../context';
import { tableConcept } from '../datatypes';
import type { V2Segment } from '../v2-reader';

/** Extension on the Provenance's source entity holding one Z-segment as received (ER7). */
export const EXT_Z_SEGMENT = 'urn:meridian:fhir:extension:hl7v2-z-segment';
const PARTICIPANT_TYPE = 'http://terminology.hl7.org/CodeSystem/provenance-participant-type';

export interface ProvenanceInput {
  recorded: string;
  targets: fhir4.Reference[];
  zSegments: V2Segment[];
}

/**
 * The Provenance of every resource in the bundle: the source message (MSH-10, type), who sent it
 * (MSH-3/MSH-4), the integration that converted it, and the Z-segments, which have no FHIR mapping
 * but must not be lost. Written with `PUT Provenance/<id>` (id from the control id): a resent
 * message replaces its Provenance instead of adding one.
 */
export function buildProvenance(ctx: ConversionContext, input: ProvenanceInput): fhir4.Reference {
  const msh = ctx.msg.msh;
  const controlId = msh.text(10) ?? '';
  const code = msh.rep(9)?.text(1);
  const trigger = ctx.trigger || undefined;
  const evn = ctx.msg.first('EVN');
  const occurred = evn && (ctx.dateTime(evn.text(6), evn.loc(6)) ?? ctx.dateTime(evn.text(2), evn.loc(2)));
  const application = msh.rep(3)?.text(1) ?? msh.rep(3)?.text(2);
  const facility = msh.rep(4)?.text(1) ?? msh.rep(4)?.text(2);
  const integration = ctx.options.integrationId;

  const provenance: fhir4.Provenance = {
    resourceType: 'Provenance',
    target: input.targets,
    occurredDateTime: occurred,
    recorded: input.recorded,
    activity: tableConcept(ctx, trigger, '0003'),
    agent: [
      {
        type: { coding: [{ system: PARTICIPANT_TYPE, code: 'author', display: 'Author' }] },
        who: { display: application ?? facility ?? 'unknown sender' },
        onBehalfOf: facility !== undefined && application !== undefined ? { display: facility } : undefined,
      },
      {
        type: { coding: [{ system: PARTICIPANT_TYPE, code: 'assembler', display: 'Assembler' }] },
        who: {
          identifier:
            integration !== undefined
              ? { system: 'urn:meridian:integration', value: integration }
              : undefined,
          display: 'Meridian HL7 v2 to FHIR converter',
        },
      },
    ],
    entity: [
      {
        extension: input.zSegments.map((z) => ({ url: EXT_Z_SEGMENT, valueString: z.raw })),
        role: 'source',
        what: {
          identifier: { system: ctx.localSystem('message'), value: controlId },
          display: [code, trigger].filter((p) => p !== undefined).join('^') || undefined,
        },
      },
    ],
  };
  return ctx.bundle.add(provenance, { key: `message|${controlId}` });
}
