import { decodeHl7Bytes } from './character-set';

const header = (charset: string): string =>
  `MSH|^~\\&|A|B|C|D|1||ADT^A01|1|P|2.5|||||||${charset}\rPID|1||MÜLLER\r`;

describe('decodeHl7Bytes', () => {
  it('decodes UTF-8 with or without MSH-18', () => {
    for (const charset of ['', 'UNICODE UTF-8', 'ASCII']) {
      expect(decodeHl7Bytes(Buffer.from(header(charset), 'utf8'))).toBe(header(charset));
    }
  });

  it('decodes ISO-8859-1 when MSH-18 says 8859/1', () => {
    expect(decodeHl7Bytes(Buffer.from(header('8859/1'), 'latin1'))).toBe(header('8859/1'));
  });

  it('falls back to ISO-8859-1 when the bytes are not UTF-8', () => {
    expect(decodeHl7Bytes(Buffer.from(header(''), 'latin1'))).toBe(header(''));
  });
});
