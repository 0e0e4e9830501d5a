import { type EncodingCharacters, HL7_NULL, type Hl7Message, unescapeHl7 } from '@meridian/hl7';

/**
 * Read access tuned for conversion: each segment is split into fields once and each repetition into
 * components once (Hl7Message.get re-parses its path and re-splits on every call). Values come back
 * decoded and trimmed; '' and whitespace read as undefined, the explicit null `""` as undefined too
 * (a FHIR resource is replaced as a whole, so leaving an element out is how it gets deleted), so
 * `""` can never surface as a literal value.
 */
export class V2Rep {
  private comps: string[] | undefined;

  constructor(
    /** ER7 text of this repetition, not decoded. */
    readonly raw: string,
    private readonly enc: EncodingCharacters,
    /** What separates the parts: the component character, or the subcomponent one for a nested view. */
    private readonly separator: string = enc.component,
  ) {}

  private components(): string[] {
    return (this.comps ??= this.raw.split(this.separator));
  }

  /** Number of components present. */
  get length(): number {
    return this.components().length;
  }

  /**
   * Component c as text, subcomponent separators included: for a primitive component this keeps a
   * raw `&` that a sender forgot to escape instead of cutting the value there.
   */
  text(c = 1): string | undefined {
    return decode(this.components()[c - 1], this.enc);
  }

  /** Subcomponent s of component c. */
  sub(c: number, s: number): string | undefined {
    const comp = this.components()[c - 1];
    if (comp === undefined || comp === '') return undefined;
    return decode(comp.split(this.enc.subcomponent)[s - 1], this.enc);
  }

  /** The whole repetition decoded as one text (separators kept as characters): ST/TX/FT values. */
  wholeText(): string | undefined {
    if (!this.raw.includes(HL7_NULL)) return decode(this.raw, this.enc);
    // An explicit null inside a text is nothing, never the two characters.
    const parts = this.components().map((c) => (c === HL7_NULL ? '' : c));
    return decode(parts.join(this.separator), this.enc);
  }

  /** ER7 of component c, not decoded. */
  rawComponent(c: number): string | undefined {
    const comp = this.components()[c - 1];
    return comp === undefined || comp === '' ? undefined : comp;
  }

  /** A view of component c whose subcomponents read as components (an HD inside a CX, an FN inside an XPN). */
  nested(c: number): V2Rep | undefined {
    const comp = this.rawComponent(c);
    if (comp === undefined || comp === HL7_NULL) return undefined;
    return new V2Rep(comp, this.enc, this.enc.subcomponent);
  }
}

function decode(raw: string | undefined, enc: EncodingCharacters): string | undefined {
  if (raw === undefined || raw === '' || raw === HL7_NULL) return undefined;
  const value = unescapeHl7(raw, enc).trim();
  return value === '' || value === HL7_NULL ? undefined : value;
}

export class V2Segment {
  private readonly fields: string[];
  private readonly repCache = new Map<number, V2Rep[]>();

  constructor(
    readonly name: string,
    /** Segment text as received. */
    readonly raw: string,
    readonly enc: EncodingCharacters,
    /** 1-based occurrence among segments of the same name (the [n] of an HL7 path). */
    readonly occurrence: number,
  ) {
    const parts = raw.split(enc.field);
    // MSH-1 is the field separator itself, so MSH field n is parts[n - 1].
    this.fields = name === 'MSH' ? ['MSH', enc.field, ...parts.slice(1)] : parts;
  }

  /** Location of this segment or one of its fields, written as an HL7 path: 'PID-7', 'OBX[2]-5'. */
  loc(field?: number, component?: number): string {
    const seg = this.occurrence === 1 ? this.name : `${this.name}[${this.occurrence}]`;
    if (field === undefined) return seg;
    return component === undefined ? `${seg}-${field}` : `${seg}-${field}.${component}`;
  }

  /** Every repetition of field n, empty ones included (raw ''), so positions are kept. */
  allReps(n: number): V2Rep[] {
    let reps = this.repCache.get(n);
    if (reps === undefined) {
      const raw = this.fields[n];
      reps =
        raw === undefined || raw === '' || (this.name === 'MSH' && n <= 2)
          ? []
          : raw.split(this.enc.repetition).map((r) => new V2Rep(r, this.enc));
      this.repCache.set(n, reps);
    }
    return reps;
  }

  /** Repetitions of field n that carry something (neither empty nor the explicit null). */
  reps(n: number): V2Rep[] {
    return this.allReps(n).filter((r) => r.raw !== '' && r.raw !== HL7_NULL && r.raw.trim() !== '');
  }

  /** First repetition of field n when it carries something. */
  rep(n: number): V2Rep | undefined {
    const first = this.allReps(n)[0];
    return first === undefined || first.raw === '' || first.raw === HL7_NULL ? undefined : first;
  }

  /** Decoded text of field n, first repetition, component c (whole component). */
  text(n: number, c = 1): string | undefined {
    return this.rep(n)?.text(c);
  }

  /** True when field n repeats although the standard says it does not (the caller uses the first). */
  repeats(n: number): boolean {
    return this.allReps(n).length > 1;
  }
}

/** The segments of a message, each split once, with helpers to find them. */
export class V2Message {
  readonly segments: V2Segment[];

  constructor(readonly message: Hl7Message) {
    const counts = new Map<string, number>();
    this.segments = message.segments.map((s) => {
      const occurrence = (counts.get(s.name) ?? 0) + 1;
      counts.set(s.name, occurrence);
      return new V2Segment(s.name, s.raw, message.encoding, occurrence);
    });
  }

  get msh(): V2Segment {
    return this.segments[0];
  }

  first(name: string): V2Segment | undefined {
    return this.segments.find((s) => s.name === name);
  }

  all(name: string): V2Segment[] {
    return this.segments.filter((s) => s.name === name);
  }
}
