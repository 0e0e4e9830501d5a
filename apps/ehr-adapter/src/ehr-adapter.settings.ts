import { IsBoolean, IsOptional } from 'class-validator';
import { BooleanFlag, CommaSeparated } from '@meridian/platform';
import { IsAllowList, IsEncryptionKeys } from '@meridian/security';

/** The EHR adapter's environment; see apps/ehr-adapter/README.md. */
export class EhrAdapterSettings {
  /**
   * Key ring that opens integrations' sealed credentials, `<keyId>:<base64 32-byte key>,…` (the
   * gateway's CREDENTIALS_KEYS, from the same secret). Optional: without it, integrations with
   * `none` authentication work and a command for one with sealed credentials fails permanently.
   */
  @IsOptional()
  @IsEncryptionKeys()
  CREDENTIALS_KEYS?: string = undefined;

  /**
   * Hosts, IP addresses and CIDR blocks the FHIR client may reach although they are not public
   * (the SSRF guard refuses loopback, private, link-local … otherwise), comma-separated; e.g.
   * `127.0.0.1` for local development and tests. Empty in production.
   */
  @CommaSeparated()
  @IsAllowList()
  OUTBOUND_ALLOW_LIST: string[] = [];

  /** Permit `http:` FHIR base URLs and token endpoints (local development and tests only). */
  @BooleanFlag()
  @IsBoolean({ message: 'OUTBOUND_ALLOW_HTTP must be true or false' })
  OUTBOUND_ALLOW_HTTP = false;
}
