import type { EncodingCharacters } from './encoding-characters';

/**
 * Escapes a plain value for ER7: each delimiter becomes its escape sequence (\F\ \S\ \T\ \R\ \E\, and \P\
 * for a declared truncation character), and CR/LF become \X0D\ / \X0A\ because a raw line end would end
 * the segment. `unescapeHl7(escapeHl7(v, e), e) === v` for every string v.
 */
export function escapeHl7(value: string, encoding: EncodingCharacters): string {
  const e = encoding.escape;
  const map = new Map<string, string>([
    [encoding.escape, `${e}E${e}`],
    [encoding.field, `${e}F${e}`],
    [encoding.component, `${e}S${e}`],
    [encoding.subcomponent, `${e}T${e}`],
    [encoding.repetition, `${e}R${e}`],
    ['\r', `${e}X0D${e}`],
    ['\n', `${e}X0A${e}`],
  ]);
  if (encoding.truncation !== undefined) map.set(encoding.truncation, `${e}P${e}`);
  let out = '';
  for (const c of value) out += map.get(c) ?? c;
  return out;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** \Xhh..\ carries bytes in the message's character set; UTF-8 when they form UTF-8, else ISO-8859-1. */
function decodeHex(hex: string): string | undefined {
  if (hex.length === 0 || hex.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(hex)) return undefined;
  const bytes = Buffer.from(hex, 'hex');
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}

/**
 * Decodes escape sequences in one leaf value (a component or subcomponent).
 * - \F\ \S\ \T\ \R\ \E\ (\P\ when a truncation character is declared) become the delimiter itself.
 * - \Xhh..\ becomes the characters those bytes encode (see decodeHex).
 * - \H\ and \N\ (highlight on/off) are dropped: they are display hints with no plain-text meaning.
 * - \.br\ becomes a line feed; other formatting commands (\.sp\, \.in\, \.fi\ ...) are dropped.
 * - anything else (\Zxx\ local escapes, \C..\ / \M..\ character-set switches, an unterminated escape)
 *   is kept verbatim, so nothing is silently lost; charset switching is not supported.
 */
export function unescapeHl7(value: string, encoding: EncodingCharacters): string {
  const e = encoding.escape;
  if (!value.includes(e)) return value;
  const simple: Record<string, string | undefined> = {
    F: encoding.field,
    S: encoding.component,
    T: encoding.subcomponent,
    R: encoding.repetition,
    E: encoding.escape,
    P: encoding.truncation,
    H: '',
    N: '',
  };
  let out = '';
  let i = 0;
  while (i < value.length) {
    const start = value.indexOf(e, i);
    if (start === -1) {
      out += value.slice(i);
      break;
    }
    out += value.slice(i, start);
    const end = value.indexOf(e, start + 1);
    if (end === -1) {
      out += value.slice(start);
      break;
    }
    const body = value.slice(start + 1, end);
    let decoded: string | undefined;
    if (body.length === 1) decoded = simple[body];
    else if (body.startsWith('X')) decoded = decodeHex(body.slice(1));
    else if (body === '.br') decoded = '\n';
    else if (/^\.(sp|fi|nf|in|ti|sk|ce)[+-]?\d*$/.test(body)) decoded = '';
    if (decoded === undefined) {
      out += value.slice(start, end + 1);
    } else {
      out += decoded;
    }
    i = end + 1;
  }
  return out;
}
