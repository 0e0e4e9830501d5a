import { Injectable } from '@nestjs/common';
import type { FhirBundlePayload, IntegrationConfigPayload } from '@meridian/contracts';
import { PermanentError } from '@meridian/kafka';
import { compileMapping, type JsonObject, type Mapper, type MappingIssue } from '@meridian/mapping';

/**
 * An integration's outbound mapping (`dataMapping.outbound`, a libs/mapping config) applied to every
 * resource of a command for it. The mapping's output is laid over the resource: the elements it writes
 * replace the resource's (objects merged element by element, arrays item by item), every other element
 * is kept. That is what a FHIR target needs (a code system translated, an identifier added, a phone
 * normalised) without restating the whole resource in the config. A mapping meant for one resource
 * type says so with `when` conditions or with sources only that type has.
 */
@Injectable()
export class OutboundMapping {
  /** Compiled once per integration version (the gateway checked it compiles before accepting it). */
  private readonly mappers = new Map<string, { version: number; mapper: Mapper }>();

  async apply(target: IntegrationConfigPayload, bundle: FhirBundlePayload): Promise<FhirBundlePayload> {
    const config = target.dataMapping?.outbound;
    if (config === undefined) return bundle;
    const mapper = this.mapperFor(target, config);
    const entries = await Promise.all(
      bundle.entry.map(async (entry, index) => {
        if (entry.resource === undefined) return entry;
        const result = await mapper.apply(entry.resource as unknown as JsonObject);
        if (!result.ok) {
          throw new PermanentError(
            `outbound mapping of integration ${target.integrationId} failed on entry ${index} ` +
              `(${entry.resource.resourceType}): ${describe(result.errors)}`,
          );
        }
        return { ...entry, resource: overlay(entry.resource, result.output) as typeof entry.resource };
      }),
    );
    return { ...bundle, entry: entries };
  }

  private mapperFor(target: IntegrationConfigPayload, config: Record<string, unknown>): Mapper {
    const cached = this.mappers.get(target.integrationId);
    if (cached?.version === target.version) return cached.mapper;
    const mapper = compileMapping(config);
    this.mappers.set(target.integrationId, { version: target.version, mapper });
    return mapper;
  }
}

/** `over` laid on `base`: objects merged per key, arrays per index, anything else replaced. */
export function overlay(base: unknown, over: unknown): unknown {
  if (Array.isArray(base) && Array.isArray(over)) {
    const length = Math.max(base.length, over.length);
    return Array.from({ length }, (_item, index) =>
      index < over.length && over[index] !== undefined ? overlay(base[index], over[index]) : base[index],
    );
  }
  if (isObject(base) && isObject(over)) {
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(over)) merged[key] = overlay(base[key], value);
    return merged;
  }
  return over;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Codes and config locations only: a mapping issue's message may quote the value it refused. */
function describe(issues: readonly MappingIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => `${issue.location}${issue.target ? ` → ${issue.target}` : ''}: ${issue.code}`)
    .join('; ');
}
