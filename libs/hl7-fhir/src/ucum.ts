/**
 * Recognises UCUM unit expressions (https://ucum.org/ucum) well enough to decide whether an OBX-6
 * unit can be sent with system http://unitsofmeasure.org. Two levels of trust:
 * - the sender says the code is UCUM (OBX-6.3 = UCUM): any syntactically valid expression of known atoms;
 * - otherwise (ANSI, ISO+, no system, or the text): only the atoms clinical results use, so that
 *   'K/uL' (thousands per microlitre, not kelvin) or 'C' (°C, not coulomb) are not mistaken for UCUM.
 */

/** Atoms that take a metric prefix (mg, dL, nmol, mU, m[IU]). */
const CLINICAL_METRIC = [
  'g',
  'm',
  'l',
  'L',
  'mol',
  'eq',
  'osm',
  'U',
  'kat',
  's',
  'Pa',
  'cal',
  '[IU]',
  '[iU]',
  'm[Hg]',
  'm[H2O]',
  'J',
];
/** Atoms that do not. */
const CLINICAL_PLAIN = [
  'min',
  'h',
  'd',
  'wk',
  'mo',
  'a',
  '%',
  '[ppm]',
  '[ppb]',
  '[ppth]',
  'Cel',
  '[degF]',
  '[in_i]',
  '[ft_i]',
  '[lb_av]',
  '[oz_av]',
  '10*',
  '10^',
  '[HPF]',
  '[LPF]',
  '[pH]',
  '[drp]',
  '[CFU]',
  "[arb'U]",
  "[USP'U]",
  "[GPL'U]",
  "[MPL'U]",
  "[APL'U]",
  "[ka'U]",
  '[PFU]',
  '[TCID_50]',
  '[Lf]',
  '[AU]',
  '[BAU]',
  'mm[Hg]',
];
/** Further atoms accepted when the sender declares UCUM. */
const OTHER_METRIC = [
  'rad',
  'K',
  'C',
  'cd',
  'sr',
  'Hz',
  'N',
  'W',
  'A',
  'V',
  'F',
  'Ohm',
  'S',
  'Wb',
  'T',
  'H',
  'lm',
  'lx',
  'Bq',
  'Gy',
  'Sv',
  'ar',
  't',
  'bar',
  'u',
  'eV',
  'Ci',
  'R',
  'RAD',
  'REM',
  'dyn',
  'erg',
  'P',
  'St',
  'G',
  'B',
  'Np',
  'bit',
  'By',
  'gf',
  'mho',
];
const OTHER_PLAIN = [
  'deg',
  'gon',
  "'",
  "''",
  'a_t',
  'a_j',
  'a_g',
  'mo_s',
  'mo_j',
  'mo_g',
  '[pi]',
  '[pptr]',
  '[yd_i]',
  '[mi_i]',
  '[gr]',
  '[dr_av]',
  '[degR]',
  '[mesh_i]',
  '[Ch]',
  "[in_i'Hg]",
  "[in_i'H2O]",
  '[foz_us]',
  '[pt_us]',
  '[qt_us]',
  '[gal_us]',
  '[tsp_us]',
  '[tbs_us]',
  '[cup_us]',
  '[Btu]',
  '[HP]',
  '[S]',
  '[EU]',
  '[FFU]',
  '[CCID_50]',
  '[EID_50]',
  '[PNU]',
  '[FEU]',
  '[ELU]',
  'atm',
  '[sft_i]',
  '[cft_i]',
  '[cin_i]',
];

const PREFIXES = [
  'da',
  'Y',
  'Z',
  'E',
  'P',
  'T',
  'G',
  'M',
  'k',
  'h',
  'd',
  'c',
  'm',
  'u',
  'n',
  'p',
  'f',
  'a',
  'z',
  'y',
  'Ki',
  'Mi',
  'Gi',
  'Ti',
];

interface AtomSet {
  metric: Set<string>;
  plain: Set<string>;
}
const CLINICAL: AtomSet = { metric: new Set(CLINICAL_METRIC), plain: new Set(CLINICAL_PLAIN) };
const ALL: AtomSet = {
  metric: new Set([...CLINICAL_METRIC, ...OTHER_METRIC]),
  plain: new Set([...CLINICAL_PLAIN, ...OTHER_PLAIN]),
};

/** The atom of a simple unit (prefix removed), or undefined when it is not one. */
function atomOf(unit: string, atoms: AtomSet): string | undefined {
  if (atoms.metric.has(unit) || atoms.plain.has(unit)) return unit;
  for (const p of PREFIXES) {
    if (unit.length > p.length && unit.startsWith(p) && atoms.metric.has(unit.slice(p.length)))
      return unit.slice(p.length);
  }
  return undefined;
}

/**
 * Clinical units raise lengths, times and powers of ten to an exponent (m2, s-1, 10*3); a local code
 * such as 'U123' is not 'unit to the 123rd'.
 */
const EXPONENT_ATOMS = new Set(['m', 's', 'min', 'h', 'd', '10*', '10^', '[in_i]', '[ft_i]', 'L', 'l']);

/** One component: a factor ('1', '1000'), an annotation, or an atom with optional exponent and annotation. */
function isComponent(text: string, atoms: AtomSet): boolean {
  let body = text;
  const annotation = /\{[^{}]*\}$/.exec(body);
  if (annotation) {
    body = body.slice(0, annotation.index);
    if (body === '') return true;
  }
  if (/^\d+$/.test(body)) return true;
  if (body.startsWith('(') && body.endsWith(')')) return isTerm(body.slice(1, -1), atoms);
  const m = /^(.*?[^\d+-])([+-]?\d+)?$/.exec(body);
  if (m === null) return false;
  const atom = atomOf(m[1], atoms);
  if (atom === undefined) return false;
  return (
    m[2] === undefined || atoms === ALL || (EXPONENT_ATOMS.has(atom) && m[2].replace(/^[+-]/, '').length <= 2)
  );
}

/** Splits a term on '.' and '/' outside brackets, braces and parentheses. */
function isTerm(text: string, atoms: AtomSet): boolean {
  if (text === '') return false;
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[' || c === '{' || c === '(') depth++;
    else if (c === ']' || c === '}' || c === ')') depth--;
    else if (depth === 0 && (c === '.' || c === '/')) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0) return false;
  }
  if (depth !== 0) return false;
  parts.push(text.slice(start));
  // A leading '/' ('/min') leaves an empty first part; any other empty part is malformed.
  return parts.every((p, i) => (p === '' ? i === 0 && text.startsWith('/') : isComponent(p, atoms)));
}

/** True when `unit` is a UCUM code; `declared` when the sender says so (OBX-6.3 UCUM). */
export function isUcum(unit: string, declared = false): boolean {
  if (unit.length === 0 || unit.length > 64 || /\s/.test(unit)) return false;
  return isTerm(unit, declared ? ALL : CLINICAL);
}
