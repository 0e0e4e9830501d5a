/** What @meridian/fhir knows of an R4 core extension (generated from HAPI's R4 resources). */
export interface R4ExtensionDefinition {
  /** Element contexts (`Patient`, `Patient.birthDate`, `Element`…); null when not all are element contexts. */
  readonly contexts: readonly string[] | null;
  /** Only allowed as a modifierExtension (and not allowed as an extension). */
  readonly modifier: boolean;
  /** The value[x] types; empty for a complex extension (nested extensions only). */
  readonly types: readonly string[];
  /** For a complex extension: sub-extension url → its value types. */
  readonly extensions?: Readonly<Record<string, readonly string[]>>;
}
