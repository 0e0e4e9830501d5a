import type { EncodingCharacters } from './encoding-characters';
import { unescapeHl7 } from './escape-sequences';

/** HL7's explicit null: the sender asks the receiver to delete the value. Not the same as empty. */
export const HL7_NULL = '""';

/**
 * One segment, kept as the exact text received. Values are split lazily by the message's own
 * delimiters; field numbers follow HL7, so for MSH/FHS/BHS field 1 is the field separator itself and
 * field 2 the encoding characters.
 */
export class Hl7Segment {
  readonly name: string;
  private readonly parts: readonly string[];
  private readonly isHeader: boolean;

  constructor(
    readonly raw: string,
    readonly encoding: EncodingCharacters,
  ) {
    this.parts = raw.split(encoding.field);
    this.name = this.parts[0] ?? '';
    this.isHeader = this.name === 'MSH' || this.name === 'FHS' || this.name === 'BHS';
  }

  /** Highest field number present (trailing empty fields count, as they were sent). */
  get fieldCount(): number {
    return this.isHeader ? this.parts.length : this.parts.length - 1;
  }

  /** ER7 text of field n, all repetitions, not decoded; undefined when absent or empty. */
  rawField(n: number): string | undefined {
    if (this.isHeader && n === 1) return this.encoding.field;
    const value = this.parts[this.isHeader ? n - 1 : n];
    return n < 1 || value === undefined || value === '' ? undefined : value;
  }

  /** ER7 text of every repetition of field n (empty ones as ''); [] when the field is absent. */
  rawRepetitions(n: number): string[] {
    const field = this.rawField(n);
    if (field === undefined) return [];
    // MSH-2 holds the repetition character itself, so it is never split.
    if (this.isHeader && n <= 2) return [field];
    return field.split(this.encoding.repetition);
  }

  /**
   * ER7 text at a position, not decoded: the whole field when only `field` is given, else the
   * repetition / component / subcomponent asked for. undefined when absent or empty.
   */
  rawAt(field: number, repetition?: number, component?: number, subcomponent?: number): string | undefined {
    if (repetition === undefined && component === undefined) return this.rawField(field);
    const rep = this.rawRepetitions(field)[(repetition ?? 1) - 1];
    if (rep === undefined || component === undefined) return rep === '' ? undefined : rep;
    if (this.isHeader && field <= 2) return component === 1 && (subcomponent ?? 1) === 1 ? rep : undefined;
    const comp = rep.split(this.encoding.component)[component - 1];
    if (comp === undefined || subcomponent === undefined) return comp === '' ? undefined : comp;
    const sub = comp.split(this.encoding.subcomponent)[subcomponent - 1];
    return sub === '' ? undefined : sub;
  }

  /**
   * Decoded leaf value, Terser-style: component and subcomponent default to 1, so 'PID-5' is the
   * family name and 'MSH-9' the message code. null for the explicit null "", undefined when absent.
   */
  get(field: number, repetition = 1, component = 1, subcomponent = 1): string | null | undefined {
    const leaf = this.rawAt(field, repetition, component, subcomponent);
    if (leaf === undefined) return undefined;
    if (leaf === HL7_NULL) return null;
    if (this.isHeader && field <= 2) return leaf;
    return unescapeHl7(leaf, this.encoding);
  }

  /** Decoded leaf of every repetition, in order; '' for an empty repetition so positions are kept. */
  getAll(field: number, component = 1, subcomponent = 1): (string | null)[] {
    return this.rawRepetitions(field).map((_, i) => this.get(field, i + 1, component, subcomponent) ?? '');
  }

  toString(): string {
    return this.raw;
  }
}
