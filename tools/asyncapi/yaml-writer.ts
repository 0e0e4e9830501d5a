// A YAML 1.2 writer for JSON-shaped data, so the AsyncAPI document needs no YAML dependency. Keys keep
// insertion order (the document is built in a fixed order, so the output is stable). Strings are plain
// where that cannot be misread, block literals when multi-line, single-quoted when printable on one line,
// otherwise JSON-quoted (JSON's escapes are valid YAML double-quoted escapes).

const INDENT = '  ';
const UNICODE_TEXT = '\\u00a0-\\u2027\\u202a-\\ud7ff\\ue000-\\ufefe\\uff00-\\ufffd';
// Plain scalars start with a letter, `$` or `/` and hold no YAML indicator (`:`, `#`, quotes, brackets...).
const PLAIN = new RegExp(`^[A-Za-z$/][A-Za-z0-9 _.,/()+'=<>$@*${UNICODE_TEXT}-]*$`);
const SINGLE_QUOTABLE = new RegExp(`^[\\x20-\\x7e${UNICODE_TEXT}]*$`);
// YAML 1.1 readers still take these as booleans or null.
const RESERVED = /^(true|false|yes|no|on|off|y|n|null|~)$/i;
// Printable text and newlines only: no tabs, carriage returns or other controls, no line separators.
const PRINTABLE_LINES = new RegExp(`^[\\x20-\\x7e\\n${UNICODE_TEXT}]*$`);

export function toYaml(value: unknown): string {
  return `${node(value, '').join('\n')}\n`;
}

function node(value: unknown, indent: string): string[] {
  if (isNonEmptyObject(value)) {
    return Object.entries(value)
      .filter(([, child]) => child !== undefined)
      .flatMap(([key, child]) => entry(`${indent}${scalar(key)}:`, child, indent));
  }
  if (Array.isArray(value) && value.length > 0) return value.flatMap((item) => arrayItem(item, indent));
  return [`${indent}${inline(value)}`];
}

function entry(head: string, value: unknown, indent: string): string[] {
  if (isNonEmptyObject(value) || (Array.isArray(value) && value.length > 0)) {
    return [head, ...node(value, indent + INDENT)];
  }
  return withInline(head, value, indent);
}

function arrayItem(item: unknown, indent: string): string[] {
  if (isNonEmptyObject(item) || (Array.isArray(item) && item.length > 0)) {
    const lines = node(item, indent + INDENT);
    lines[0] = `${indent}- ${lines[0].slice(indent.length + INDENT.length)}`;
    return lines;
  }
  return withInline(`${indent}-`, item, indent);
}

function withInline(head: string, value: unknown, indent: string): string[] {
  if (typeof value === 'string' && isBlockLiteral(value)) {
    const chomping = value.endsWith('\n') ? '' : '-';
    const body = value.endsWith('\n') ? value.slice(0, -1) : value;
    return [
      `${head} |${chomping}`,
      ...body.split('\n').map((line) => (line === '' ? '' : `${indent}${INDENT}${line}`)),
    ];
  }
  return [`${head} ${inline(value)}`];
}

function inline(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object') return '{}';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError('YAML output takes finite numbers only');
    return String(value);
  }
  if (typeof value === 'string') return scalar(value);
  throw new TypeError(`cannot write a ${typeof value} as YAML`);
}

function scalar(text: string): string {
  if (PLAIN.test(text) && !RESERVED.test(text) && !text.endsWith(' ')) return text;
  // Single quotes need no escapes but a doubled quote, so keys and patterns stay readable.
  if (SINGLE_QUOTABLE.test(text)) return `'${text.replaceAll("'", "''")}'`;
  return JSON.stringify(text);
}

/**
 * Multi-line printable text reads best as a literal block. Not when it starts with a space (that would
 * need an indentation indicator) or ends in more than one newline (that would need keep-chomping).
 */
function isBlockLiteral(text: string): boolean {
  return (
    text.includes('\n') &&
    PRINTABLE_LINES.test(text) &&
    !text.startsWith(' ') &&
    !text.startsWith('\n') &&
    !text.endsWith('\n\n') &&
    !text.split('\n').some((line) => line.endsWith(' '))
  );
}

function isNonEmptyObject(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).some((child) => child !== undefined)
  );
}
