import { DATE_TRANSFORMS } from './date-transforms';
import { PERSON_TRANSFORMS } from './person-transforms';
import { TEXT_TRANSFORMS } from './text-transforms';
import { TransformDefinition } from './transform-definition';
import { VALUE_TRANSFORMS } from './value-transforms';

/** Every transform a config may name, by name. */
export const TRANSFORMS: ReadonlyMap<string, TransformDefinition> = new Map(
  [...DATE_TRANSFORMS, ...TEXT_TRANSFORMS, ...VALUE_TRANSFORMS, ...PERSON_TRANSFORMS].map((definition) => [
    definition.name,
    definition,
  ]),
);

/** For the management API and the README: each transform's name, parameters and summary. */
export function describeTransforms(): { name: string; params: string[]; summary: string }[] {
  return [...TRANSFORMS.values()].map((definition) => ({
    name: definition.name,
    params: definition.params.map(
      (param) =>
        `${param.name}${param.optional ? '?' : ''}${definition.variadic && param === definition.params.at(-1) ? '...' : ''}`,
    ),
    summary: definition.summary,
  }));
}
