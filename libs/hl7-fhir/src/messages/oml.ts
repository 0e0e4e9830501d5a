import type { ConversionContext } from '../context';
import type { ConversionError } from '../types';
import { convertOrders } from './orm';

/**
 * OML^O21 (laboratory order): as ORM^O01, each ORC (+ OBR) → ServiceRequest (NTE, DG1 → reasonCode,
 * OBX → supportingInfo Observations), and each SPM of the order → Specimen, listed in
 * ServiceRequest.specimen (the V2-to-FHIR IG's OML_O21 map). Order groups that share a number are
 * still separate orders (see orderIdentifiers).
 */
export function convertOml(ctx: ConversionContext): ConversionError | undefined {
  return convertOrders(ctx, 'OML');
}
