/**
 * The key of hl7.v2.inbound.v1 from the message's sending facility (MSH-4.1, or MSH-3.1 when empty)
 * and patient identifier (PID-3.1 of the first repetition), so every producer keys alike.
 */
export function hl7InboundKey(sendingFacility: string, patientIdentifier?: string): string {
  if (sendingFacility === '') throw new TypeError('sending facility must not be empty');
  return patientIdentifier === undefined || patientIdentifier === ''
    ? sendingFacility
    : `${sendingFacility}|${patientIdentifier}`;
}
