const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decodes a message's bytes to text. HL7's default character set is ASCII, but senders routinely send
 * UTF-8 without MSH-18 (see fixture adt_a01_glion_3), so: MSH-18 8859/1 → ISO-8859-1; anything else
 * (UNICODE UTF-8, ASCII, empty) → UTF-8, falling back to ISO-8859-1 when the bytes are not valid UTF-8,
 * so text is never lost to replacement characters. Other MSH-18 values (8859/2…, ISO IR87…) are not
 * supported and decoded the same way.
 */
export function decodeHl7Bytes(bytes: Buffer): string {
  // MSH-1..18 are ASCII in every supported character set, so latin1 reads the header safely.
  const head = bytes.subarray(0, Math.min(bytes.length, 4096)).toString('latin1');
  const firstLine = head.split(/\r|\n/, 1)[0] ?? '';
  const field = firstLine.charAt(3);
  const charset = field ? (firstLine.split(field)[17] ?? '').split(firstLine.charAt(5) || '~')[0] : '';
  if (charset.trim().toUpperCase() === '8859/1') return bytes.toString('latin1');
  try {
    return utf8.decode(bytes);
  } catch {
    return bytes.toString('latin1');
  }
}
