import { DEFAULT_ENCODING, type EncodingCharacters } from './encoding-characters';
import { escapeHl7, unescapeHl7 } from './escape-sequences';

const custom: EncodingCharacters = {
  field: '$',
  component: '%',
  repetition: '#',
  escape: '!',
  subcomponent: '~',
};
const withTruncation: EncodingCharacters = { ...DEFAULT_ENCODING, truncation: '#' };

describe('escapeHl7 / unescapeHl7', () => {
  it('escapes every delimiter and line ends', () => {
    expect(escapeHl7('a|b^c~d\\e&f\rg\nh', DEFAULT_ENCODING)).toBe(
      'a\\F\\b\\S\\c\\R\\d\\E\\e\\T\\f\\X0D\\g\\X0A\\h',
    );
    expect(escapeHl7('a$b%c#d!e~f', custom)).toBe('a!F!b!S!c!R!d!E!e!T!f');
    expect(escapeHl7('x#y', withTruncation)).toBe('x\\P\\y');
  });

  it('decodes the standard sequences, hex, and drops highlighting', () => {
    expect(unescapeHl7('\\F\\\\S\\\\T\\\\R\\\\E\\', DEFAULT_ENCODING)).toBe('|^&~\\');
    expect(unescapeHl7('!F!!S!!T!!R!!E!', custom)).toBe('$%~#!');
    expect(unescapeHl7('x\\P\\y', withTruncation)).toBe('x#y');
    expect(unescapeHl7('caf\\XC3A9\\', DEFAULT_ENCODING)).toBe('café');
    expect(unescapeHl7('caf\\XE9\\', DEFAULT_ENCODING)).toBe('café');
    expect(unescapeHl7('\\H\\bold\\N\\ text', DEFAULT_ENCODING)).toBe('bold text');
    expect(unescapeHl7('line 1\\.br\\line 2\\.sp2\\', DEFAULT_ENCODING)).toBe('line 1\nline 2');
  });

  it('keeps unknown and unterminated sequences verbatim', () => {
    expect(unescapeHl7('a\\Zlocal\\b', DEFAULT_ENCODING)).toBe('a\\Zlocal\\b');
    expect(unescapeHl7('\\C2842\\x', DEFAULT_ENCODING)).toBe('\\C2842\\x');
    expect(unescapeHl7('trailing \\F', DEFAULT_ENCODING)).toBe('trailing \\F');
    expect(unescapeHl7('\\XZZ\\', DEFAULT_ENCODING)).toBe('\\XZZ\\');
  });

  it('round-trips any text through escape then unescape', () => {
    const alphabet = [
      'a',
      ' ',
      '|',
      '^',
      '~',
      '\\',
      '&',
      '#',
      '$',
      '%',
      '!',
      '\r',
      '\n',
      'É',
      '字',
      'F',
      'X',
    ];
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648);
    for (let n = 0; n < 500; n++) {
      const value = Array.from({ length: next() % 12 }, () => alphabet[next() % alphabet.length]).join('');
      for (const encoding of [DEFAULT_ENCODING, custom, withTruncation]) {
        const escaped = escapeHl7(value, encoding);
        const delimiters = [encoding.field, encoding.component, encoding.repetition, encoding.subcomponent];
        for (const d of delimiters) expect(escaped.includes(d)).toBe(false);
        expect(escaped).not.toMatch(/[\r\n]/);
        expect(unescapeHl7(escaped, encoding)).toBe(value);
      }
    }
  });
});
