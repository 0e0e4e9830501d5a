// hl7-standard ships no types; only the members the evidence spec uses are declared.
declare module 'hl7-standard' {
  class HL7 {
    constructor(data?: string, options?: { lineEndings?: string });
    transformed: Record<string, unknown>;
    container?: unknown[];
    transform(callback?: (error: Error | null) => void): void;
    get(field: string, index?: number, sectionIndex?: number): unknown;
    build(): string;
  }
  export = HL7;
}
