import { Transform } from 'class-transformer';
import { IsObject, IsString, Matches } from 'class-validator';

const json = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return 'invalid JSON';
  }
};

/** The transformer's environment; see apps/transformer/README.md. */
export class TransformerSettings {
  /** Zone of HL7 times sent without an offset: UTC, a fixed offset (+02:00) or an IANA zone (Europe/Berlin). */
  @IsString()
  @Matches(/^(UTC|[+-]\d{2}:\d{2}|[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*)$/, {
    message: 'HL7_DEFAULT_TIME_ZONE must be UTC, an offset like +02:00 or an IANA zone like Europe/Berlin',
  })
  HL7_DEFAULT_TIME_ZONE = 'UTC';

  /**
   * Identifier system URIs by assigning authority, as a JSON object, e.g.
   * {"GOODHEALTH":"urn:oid:2.16.840.1.113883.3.999.1"}. Integration configurations refine it per sender.
   */
  @Transform(json)
  @IsObject({ message: 'HL7_IDENTIFIER_SYSTEMS must be a JSON object of authority to system URI' })
  HL7_IDENTIFIER_SYSTEMS: Record<string, string> = {};
}
