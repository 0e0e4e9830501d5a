/**
 * Telephone numbers to E.164 (`+15551234567`) and US display form, without a numbering-plan
 * database: North American (NANP) numbers are checked fully (10 digits, area code and exchange not
 * starting with 0 or 1); other countries only by country code, trunk prefix and E.164's length limit.
 */
export interface CountryDialling {
  readonly callingCode: string;
  /** Digit dialled before national numbers inside the country and dropped in E.164 (0 in most of Europe). */
  readonly trunkPrefix?: string;
  /** What callers dial to reach another country. */
  readonly internationalPrefix: string;
}

/** The countries whose national numbers are understood; others must be written with `+` or 00. */
export const COUNTRY_DIALLING: Readonly<Record<string, CountryDialling>> = {
  US: { callingCode: '1', internationalPrefix: '011' },
  CA: { callingCode: '1', internationalPrefix: '011' },
  PR: { callingCode: '1', internationalPrefix: '011' },
  MX: { callingCode: '52', internationalPrefix: '00' },
  GB: { callingCode: '44', trunkPrefix: '0', internationalPrefix: '00' },
  IE: { callingCode: '353', trunkPrefix: '0', internationalPrefix: '00' },
  FR: { callingCode: '33', trunkPrefix: '0', internationalPrefix: '00' },
  DE: { callingCode: '49', trunkPrefix: '0', internationalPrefix: '00' },
  NL: { callingCode: '31', trunkPrefix: '0', internationalPrefix: '00' },
  BE: { callingCode: '32', trunkPrefix: '0', internationalPrefix: '00' },
  CH: { callingCode: '41', trunkPrefix: '0', internationalPrefix: '00' },
  AT: { callingCode: '43', trunkPrefix: '0', internationalPrefix: '00' },
  // Italy keeps the leading 0 of landline numbers in E.164; Spain and the Nordics have no trunk prefix.
  IT: { callingCode: '39', internationalPrefix: '00' },
  ES: { callingCode: '34', internationalPrefix: '00' },
  PT: { callingCode: '351', internationalPrefix: '00' },
  SE: { callingCode: '46', trunkPrefix: '0', internationalPrefix: '00' },
  NO: { callingCode: '47', internationalPrefix: '00' },
  DK: { callingCode: '45', internationalPrefix: '00' },
  FI: { callingCode: '358', trunkPrefix: '0', internationalPrefix: '00' },
  PL: { callingCode: '48', internationalPrefix: '00' },
  AU: { callingCode: '61', trunkPrefix: '0', internationalPrefix: '0011' },
  NZ: { callingCode: '64', trunkPrefix: '0', internationalPrefix: '00' },
  IN: { callingCode: '91', trunkPrefix: '0', internationalPrefix: '00' },
  ZA: { callingCode: '27', trunkPrefix: '0', internationalPrefix: '00' },
  BR: { callingCode: '55', trunkPrefix: '0', internationalPrefix: '00' },
  JP: { callingCode: '81', trunkPrefix: '0', internationalPrefix: '010' },
  PH: { callingCode: '63', trunkPrefix: '0', internationalPrefix: '00' },
  IL: { callingCode: '972', trunkPrefix: '0', internationalPrefix: '00' },
};

export interface ParsedPhone {
  /** E.164: `+` and up to 15 digits. */
  readonly e164: string;
  readonly extension?: string;
}

export type PhoneParse = { ok: true; phone: ParsedPhone } | { ok: false; reason: string };

const EXTENSION = /\s*(?:;ext=|ext\.?|extension|x|#)\s*(\d{1,6})\s*$/i;

export function parsePhone(input: string, defaultCountry = 'US'): PhoneParse {
  if (!Object.hasOwn(COUNTRY_DIALLING, defaultCountry)) {
    return { ok: false, reason: 'unknown default country' };
  }
  const country = COUNTRY_DIALLING[defaultCountry];
  let text = input.trim().replace(/^tel:/i, '');
  let extension: string | undefined;
  const ext = EXTENSION.exec(text);
  if (ext) {
    extension = ext[1];
    text = text.slice(0, ext.index);
  }
  if (!/^\+?[\d\s().\-/]+$/.test(text)) return { ok: false, reason: 'value is not a telephone number' };
  const international = text.startsWith('+');
  let digits = text.replace(/\D/g, '');
  if (!international && digits.startsWith(country.internationalPrefix)) {
    digits = digits.slice(country.internationalPrefix.length);
    return international164(digits, extension);
  }
  if (international) return international164(digits, extension);
  if (country.callingCode === '1') {
    if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
    return nanp(digits, extension);
  }
  if (country.trunkPrefix !== undefined && digits.startsWith(country.trunkPrefix)) {
    digits = digits.slice(country.trunkPrefix.length);
  }
  return international164(country.callingCode + digits, extension);
}

function international164(digits: string, extension: string | undefined): PhoneParse {
  if (digits.startsWith('1')) return nanp(digits.slice(1), extension);
  if (digits.startsWith('0')) return { ok: false, reason: 'country code cannot start with 0' };
  if (digits.length < 8 || digits.length > 15) {
    return { ok: false, reason: 'number has the wrong length for E.164' };
  }
  return { ok: true, phone: withExtension(`+${digits}`, extension) };
}

function nanp(national: string, extension: string | undefined): PhoneParse {
  if (national.length !== 10) return { ok: false, reason: 'North American numbers have 10 digits' };
  if (!/^[2-9]\d{2}[2-9]\d{6}$/.test(national)) {
    return { ok: false, reason: 'North American area codes and exchanges cannot start with 0 or 1' };
  }
  return { ok: true, phone: withExtension(`+1${national}`, extension) };
}

function withExtension(e164: string, extension: string | undefined): ParsedPhone {
  return extension === undefined ? { e164 } : { e164, extension };
}

/** `(555) 123-4567`, with ` x89` for an extension; only North American numbers have this form. */
export function formatUsPhone(phone: ParsedPhone): string | undefined {
  if (!phone.e164.startsWith('+1')) return undefined;
  const n = phone.e164.slice(2);
  const text = `(${n.slice(0, 3)}) ${n.slice(3, 6)}-${n.slice(6)}`;
  return phone.extension === undefined ? text : `${text} x${phone.extension}`;
}
