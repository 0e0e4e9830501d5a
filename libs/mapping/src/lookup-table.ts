import { JsonValue } from './json-value';

export type LookupValue = string | number | boolean;

/** A code translation table, as written in `MappingConfig.lookupTables`. */
export interface LookupTableConfig {
  /** Source code → target value. */
  entries: Record<string, LookupValue>;
  /** Returned for keys not in `entries`; without it a miss is an issue. */
  default?: LookupValue;
  /** Match keys regardless of case (keys are always compared trimmed). */
  caseInsensitive?: boolean;
}

export type LookupResult = { found: true; value: LookupValue } | { found: false };

/**
 * A compiled table: keys are strings, numbers and booleans as strings, trimmed (and lower-cased for
 * a case-insensitive table). A Map, so keys like `constructor` are ordinary entries.
 */
export class LookupTable {
  private readonly entries = new Map<string, LookupValue>();
  private readonly fallback: LookupValue | undefined;
  private readonly caseInsensitive: boolean;

  constructor(
    readonly name: string,
    config: LookupTableConfig,
  ) {
    this.fallback = config.default;
    this.caseInsensitive = config.caseInsensitive === true;
    for (const [key, value] of Object.entries(config.entries)) this.entries.set(this.normalise(key), value);
  }

  /** Keys that become the same once normalised (two entries, one lookup result). */
  static collisions(config: LookupTableConfig): string[] {
    const seen = new Set<string>();
    const colliding: string[] = [];
    for (const key of Object.keys(config.entries)) {
      const normalised = config.caseInsensitive ? key.trim().toLowerCase() : key.trim();
      if (seen.has(normalised)) colliding.push(key);
      seen.add(normalised);
    }
    return colliding;
  }

  get(key: JsonValue | undefined): LookupResult {
    if (typeof key === 'string' || typeof key === 'number' || typeof key === 'boolean') {
      const value = this.entries.get(this.normalise(String(key)));
      if (value !== undefined) return { found: true, value };
    }
    return this.fallback === undefined ? { found: false } : { found: true, value: this.fallback };
  }

  private normalise(key: string): string {
    return this.caseInsensitive ? key.trim().toLowerCase() : key.trim();
  }
}
