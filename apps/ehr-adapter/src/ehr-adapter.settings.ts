import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, ValidateBy, type ValidationOptions } from 'class-validator';
import { IsEncryptionKeys, parseAllowList } from '@meridian/security';

const list = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((item) => item.trim())
        .filter((item) => item !== '')
    : value;

const bool = ({ value }: { value: unknown }): unknown =>
  value === 'true' || value === '1' ? true : value === 'false' || value === '0' ? false : value;

function allowListProblem(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) {
    return 'OUTBOUND_ALLOW_LIST must be comma-separated host names, IP addresses or CIDR blocks';
  }
  try {
    parseAllowList(value as string[]);
    return undefined;
  } catch (error) {
    return `OUTBOUND_ALLOW_LIST: ${(error as Error).message}`;
  }
}

/** Every entry must be a host name, an IP address or a CIDR block (so a typo stops the service at start-up). */
function IsAllowList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isAllowList',
      validator: {
        validate: (value) => allowListProblem(value) === undefined,
        defaultMessage: (args) => allowListProblem(args?.value) ?? 'OUTBOUND_ALLOW_LIST is invalid',
      },
    },
    options,
  );
}

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
  @Transform(list)
  @IsAllowList()
  OUTBOUND_ALLOW_LIST: string[] = [];

  /** Permit `http:` FHIR base URLs and token endpoints (local development and tests only). */
  @Transform(bool)
  @IsBoolean({ message: 'OUTBOUND_ALLOW_HTTP must be true or false' })
  OUTBOUND_ALLOW_HTTP = false;
}
