import { UCUM_METRIC_UNITS, UCUM_PREFIXES, UCUM_UNITS } from './terminology/ucum.generated';

// UCUM unit expressions (https://ucum.org/ucum §2): what HAPI FHIR accepts as a code of
// http://unitsofmeasure.org (Quantity.code, Coding.code), with the atoms and prefixes of the
// essence file its UCUM library reads. A term is components joined by `.` and `/` (a leading `/`
// inverts); a component is `(term)`, an annotation `{…}`, a whole number, or an atom — a unit,
// or a prefix and a metric unit — with an optional signed exponent and annotation.

const METRIC: ReadonlySet<string> = new Set(UCUM_METRIC_UNITS);
const UNITS: ReadonlySet<string> = new Set([...UCUM_UNITS, ...UCUM_METRIC_UNITS]);
const MAX_UNIT_LENGTH = 256;

// Results of recent units: a feed repeats a few dozen units (mg/dL, 10*3/uL) in every message.
// Bounded, so units made up by a sender cannot grow it without end.
const recent = new Map<string, boolean>();
const MAX_RECENT = 512;

/** Whether `unit` is a valid UCUM expression. */
export function isUcumUnit(unit: string): boolean {
  if (unit.length === 0 || unit.length > MAX_UNIT_LENGTH) return false;
  const known = recent.get(unit);
  if (known !== undefined) return known;
  const parser = new UcumParser(unit);
  const valid = parser.term() && parser.done();
  if (recent.size >= MAX_RECENT) recent.clear();
  recent.set(unit, valid);
  return valid;
}

class UcumParser {
  private at = 0;

  constructor(private readonly text: string) {}

  done(): boolean {
    return this.at === this.text.length;
  }

  term(): boolean {
    if (this.text.charCodeAt(this.at) === 47 /* / */) this.at++;
    if (!this.component()) return false;
    for (;;) {
      const c = this.text.charCodeAt(this.at);
      if (c !== 46 /* . */ && c !== 47 /* / */) return true;
      this.at++;
      if (!this.component()) return false;
    }
  }

  private component(): boolean {
    const c = this.text.charCodeAt(this.at);
    if (c === 40 /* ( */) {
      this.at++;
      if (!this.term() || this.text.charCodeAt(this.at) !== 41 /* ) */) return false;
      this.at++;
      return true;
    }
    if (c === 123 /* { */) return this.annotation();
    const start = this.at;
    // A symbol runs to the next operator, parenthesis or annotation; `[…]` may hold anything.
    while (this.at < this.text.length) {
      const d = this.text.charCodeAt(this.at);
      if (d === 91 /* [ */) {
        const close = this.text.indexOf(']', this.at);
        if (close < 0) return false;
        this.at = close + 1;
        continue;
      }
      if (d === 46 || d === 47 || d === 40 || d === 41 || d === 123) break;
      if (d <= 32 || d > 126 || d === 125 /* } */ || d === 93 /* ] */) return false;
      this.at++;
    }
    if (this.at === start) return false;
    if (!isSymbol(this.text.slice(start, this.at))) return false;
    return this.text.charCodeAt(this.at) === 123 ? this.annotation() : true;
  }

  private annotation(): boolean {
    const close = this.text.indexOf('}', this.at);
    if (close < 0) return false;
    for (let i = this.at + 1; i < close; i++) {
      const c = this.text.charCodeAt(i);
      // HAPI's UCUM library accepts any printable ASCII here, `{` included.
      if (c < 32 || c > 126) return false;
    }
    this.at = close + 1;
    return true;
  }
}

/** A whole number, or an atom with an optional exponent (`m2`, `s-1`, `10*3`, `mm[Hg]`). */
function isSymbol(symbol: string): boolean {
  if (/^[0-9]+$/.test(symbol)) return true;
  const exponent = /[+-]?[0-9]+$/.exec(symbol);
  const atom = exponent && exponent.index > 0 ? symbol.slice(0, exponent.index) : symbol;
  if (UNITS.has(atom)) return true;
  for (const prefix of UCUM_PREFIXES) {
    if (atom.length > prefix.length && atom.startsWith(prefix) && METRIC.has(atom.slice(prefix.length)))
      return true;
  }
  return false;
}
