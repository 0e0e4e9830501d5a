import type { ConversionContext } from '../context';
import { pl } from '../datatypes';
import type { V2Rep } from '../v2-reader';

const PHYSICAL_TYPE = 'http://terminology.hl7.org/CodeSystem/location-physical-type';

/**
 * PL → one Location per distinct location (point of care / room / bed / facility…), written with
 * `PUT Location/<id>` where the id is derived from those parts: the same bed is the same resource in
 * every message from the facility.
 */
export function locationRef(ctx: ConversionContext, rep: V2Rep | undefined): fhir4.Reference | undefined {
  const parts = rep && pl(rep);
  if (parts === undefined) return undefined;
  const { pointOfCare, room, bed, facility, building, floor, description } = parts;
  const name =
    [pointOfCare, room, bed].filter((p) => p !== undefined).join(' ') || description || facility || building;
  const physical =
    bed !== undefined
      ? { code: 'bd', display: 'Bed' }
      : room !== undefined
        ? { code: 'ro', display: 'Room' }
        : pointOfCare !== undefined
          ? { code: 'wa', display: 'Ward' }
          : floor !== undefined
            ? { code: 'lvl', display: 'Level' }
            : building !== undefined
              ? { code: 'bu', display: 'Building' }
              : { code: 'si', display: 'Site' };
  const key = [pointOfCare, room, bed, facility, building, floor, description].map((p) => p ?? '').join('|');
  const ref = ctx.bundle.add(
    {
      resourceType: 'Location',
      status: 'active',
      name,
      description: description !== name ? description : undefined,
      mode: 'instance',
      physicalType: { coding: [{ system: PHYSICAL_TYPE, ...physical }] },
    },
    { key },
  );
  return { ...ref, display: name };
}
