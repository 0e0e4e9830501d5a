import { BundleBuilder } from './bundle';
import {
  endInOrder,
  parseV2DateTime,
  type TimeZonePolicy,
  toFhirDate,
  toFhirDateTime,
  toFhirInstant,
  type V2DateTime,
} from './datetime';
import {
  codeSystemUri,
  DEFAULT_CODE_SYSTEM_BASE,
  DEFAULT_IDENTIFIER_SYSTEM_BASE,
  type Hd,
  identifierSystemUri,
  localCodeSystemUri,
  uriSegment,
} from './systems';
import type { ConversionWarning, ConversionWarningCode, ConvertOptions } from './types';
import type { V2Message } from './v2-reader';

const MIN_PLAUSIBLE_YEAR = 1800;

/** Everything one conversion shares: options, the message, warnings and the bundle being built. */
export class ConversionContext {
  readonly warnings: ConversionWarning[] = [];
  readonly bundle: BundleBuilder;
  readonly systemBase: string;
  readonly codeSystemBase: string;
  /** Sending facility (MSH-4, else MSH-3): scope of derived ids and of identifiers without an authority. */
  readonly scope: string;
  /** System for identifiers that name no assigning authority: they are only unique at the sender. */
  readonly senderSystem: string | undefined;
  private readonly codeSystemCache = new Map<string, string>();
  /** The trigger event (MSH-9.2, or EVN-1 for senders before v2.3). */
  trigger = '';

  constructor(
    readonly msg: V2Message,
    readonly options: ConvertOptions,
    readonly tz: TimeZonePolicy,
  ) {
    this.systemBase = options.defaultSystemBase ?? DEFAULT_IDENTIFIER_SYSTEM_BASE;
    this.codeSystemBase = options.defaultCodeSystemBase ?? DEFAULT_CODE_SYSTEM_BASE;
    const msh = msg.msh;
    const facility = msh.rep(4);
    const application = msh.rep(3);
    const sender = facility ?? application;
    const hd: Hd | undefined = sender && {
      namespace: sender.text(1),
      universalId: sender.text(2),
      universalIdType: sender.text(3),
    };
    this.scope = hd?.namespace ?? hd?.universalId ?? '';
    this.senderSystem = identifierSystemUri(hd, options.identifierSystems, this.systemBase);
    this.bundle = new BundleBuilder(this.scope);
  }

  warn(code: ConversionWarningCode, location: string, reason: string): void {
    this.warnings.push({ code, location, reason });
  }

  identifierSystem(hd: Hd | undefined): string | undefined {
    return identifierSystemUri(hd, this.options.identifierSystems, this.systemBase);
  }

  codeSystem(name: string): string {
    let uri = this.codeSystemCache.get(name);
    if (uri === undefined) {
      uri = codeSystemUri(name, this.options.codeSystems, this.codeSystemBase);
      this.codeSystemCache.set(name, uri);
    }
    return uri;
  }

  /** The sender's own version of a standard code system, for codes the standard one does not hold. */
  localCodeSystem(standardSystem: string): string {
    return localCodeSystemUri(this.codeSystemBase, this.scope, standardSystem);
  }

  /** A system of our own for ids the sender assigns without naming an authority (placer numbers, set ids). */
  localSystem(kind: string): string {
    return `${this.systemBase}${uriSegment(this.scope)}:${kind}`;
  }

  /**
   * Parses a DT/DTM; an invalid one is dropped with a warning. So is a year before 1800: no record in
   * a clinical message is that old, and such values are typing errors ('10131113' for a birth date).
   */
  parseDate(text: string | undefined, location: string): V2DateTime | undefined {
    if (text === undefined) return undefined;
    const dt = parseV2DateTime(text);
    if (dt === undefined) {
      this.warn('INVALID_DATE', location, 'not a valid HL7 date/time; omitted');
      return undefined;
    }
    if (dt.year < MIN_PLAUSIBLE_YEAR) {
      this.warn('INVALID_DATE', location, `year before ${MIN_PLAUSIBLE_YEAR} is not plausible; omitted`);
      return undefined;
    }
    return dt;
  }

  date(text: string | undefined, location: string): string | undefined {
    const dt = this.parseDate(text, location);
    return dt && toFhirDate(dt);
  }

  dateTime(text: string | undefined, location: string): string | undefined {
    const dt = this.parseDate(text, location);
    return dt && toFhirDateTime(dt, this.tz);
  }

  /**
   * Two v2 times (start, end) → a FHIR Period: every period built from a pair of v2 fields goes
   * through here. `date` writes both as FHIR dates (a pair of DT fields).
   */
  period(
    startText: string | undefined,
    startLocation: string,
    endText: string | undefined,
    endLocation: string,
    format: 'date' | 'dateTime' = 'dateTime',
  ): fhir4.Period | undefined {
    return this.periodOf(
      this.parseDate(startText, startLocation),
      this.parseDate(endText, endLocation),
      endLocation,
      format,
    );
  }

  /**
   * {@link period} of times already parsed. FHIR's per-1 wants start ≤ end: an end before the start,
   * or one that cannot be ordered with it (`20240506` vs `202405061300`), is left out with a
   * warning and the start kept, rather than a Period a server refuses.
   */
  periodOf(
    start: V2DateTime | undefined,
    end: V2DateTime | undefined,
    endLocation: string,
    format: 'date' | 'dateTime' = 'dateTime',
  ): fhir4.Period | undefined {
    if (start !== undefined && end !== undefined && !endInOrder(start, end, this.tz)) {
      this.warn(
        'INVALID_VALUE',
        endLocation,
        'end is before the start (or cannot be ordered with it); omitted',
      );
      end = undefined;
    }
    if (start === undefined && end === undefined) return undefined;
    const write = (dt: V2DateTime | undefined) =>
      dt && (format === 'date' ? toFhirDate(dt) : toFhirDateTime(dt, this.tz));
    return { start: write(start), end: write(end) };
  }

  instant(text: string | undefined, location: string): string | undefined {
    const dt = this.parseDate(text, location);
    return dt && toFhirInstant(dt, this.tz);
  }
}
