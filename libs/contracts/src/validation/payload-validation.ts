import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { isTextContentType, sameMediaType } from '../envelope/content-type';
import type { CloudEvent } from '../envelope/cloud-event';
import { eventTypeOf } from '../events/event-types';

/** Errors name a property path and the failed constraint (`entry[0].resource: isObject`), never a value. */
export type ValidationOutcome<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/**
 * Validates decoded JSON against a class-validator class. Unknown fields are kept and ignored
 * (readers ignore what they do not know, so v1 readers survive additive changes).
 */
export function validatePayload<T extends object>(cls: new () => T, data: unknown): ValidationOutcome<T> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, errors: ['(root): must be a JSON object'] };
  }
  const instance = plainToInstance(cls, data);
  const errors = validateSync(instance, {
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  return errors.length === 0 ? { ok: true, value: instance } : { ok: false, errors: describe(errors, '') };
}

/**
 * Validates an event's data against its registered type: the payload class for typed JSON, a
 * non-empty string for text. On success `data` is the validated class instance.
 */
export function validateEvent(event: CloudEvent): ValidationOutcome<CloudEvent> {
  const definition = eventTypeOf(event.type);
  if (definition === undefined) return { ok: false, errors: ['ce_type: not a registered event type'] };
  if (!sameMediaType(event.datacontenttype, definition.contentType)) {
    return { ok: false, errors: ['content-type: not the content type registered for this event type'] };
  }
  if (definition.payload !== undefined) {
    const outcome = validatePayload(definition.payload, event.data);
    return outcome.ok ? { ok: true, value: { ...event, data: outcome.value } } : outcome;
  }
  if (isTextContentType(definition.contentType) && (typeof event.data !== 'string' || event.data === '')) {
    return { ok: false, errors: ['(root): must be non-empty text'] };
  }
  if (event.data === null || event.data === undefined)
    return { ok: false, errors: ['(root): must be present'] };
  return { ok: true, value: event };
}

function describe(errors: readonly ValidationError[], parent: string): string[] {
  return errors.flatMap((error) => {
    const path =
      parent === ''
        ? error.property
        : /^\d+$/.test(error.property)
          ? `${parent}[${error.property}]`
          : `${parent}.${error.property}`;
    const own = Object.keys(error.constraints ?? {}).map((constraint) => `${path}: ${constraint}`);
    return [...own, ...describe(error.children ?? [], path)];
  });
}
