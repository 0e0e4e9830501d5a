import type { ServerResponse } from 'node:http';
import {
  BadRequestException,
  Injectable,
  ValidationPipe,
  type ArgumentMetadata,
  type PipeTransform,
} from '@nestjs/common';

/** Bodies: class-validator DTOs, unknown properties refused (a 400 names them). */
export const body = new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true });

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Ids in paths: the gateway's ids are UUID v4 (a 400 naming the parameter otherwise, not a 404). */
@Injectable()
export class UuidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown, metadata: ArgumentMetadata): string {
    if (typeof value === 'string' && UUID_V4.test(value)) return value;
    throw new BadRequestException([`${metadata.data ?? 'id'}: must be a UUID`]);
  }
}

export const uuid = new UuidPipe();

/** The view's version as its ETag, the pair of `versionOf(If-Match)`. */
export function withEtag<T extends { version: number }>(response: ServerResponse, view: T): T {
  response.setHeader('ETag', `"${view.version}"`);
  return view;
}

/**
 * Deepest nesting a JSON body may have: far beyond any integration configuration or FHIR resource, far
 * short of what the recursive steps after parsing (class-transformer, class-validator, JSON.stringify)
 * can take. A 30 KB body nested 5,000 deep used to end in a RangeError and a 500.
 */
export const MAX_JSON_DEPTH = 64;
/** Problems reported at most per request; a body with thousands of bad strings gets the first ones. */
const MAX_PROBLEMS = 10;

/** C0 control characters (NUL among them) and DEL: no id, filter or cursor of ours holds one. */
const CONTROL = /[\u0000-\u001f\u007f]/;
/** A UTF-16 surrogate without its pair: no Unicode character, and Postgres refuses it in JSON. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * What is wrong with a path or query parameter, by name: a control character (a NUL reached Postgres
 * and came back as a 500), a lone surrogate, or a query parameter given more than once or as an
 * object (`?status=open&status=resolved` is an array, which no route expects).
 */
export function parameterProblems(name: string, value: unknown): string[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return [`${name}: give it once`];
  if (typeof value === 'object' && value !== null) return [`${name}: must be a single value`];
  if (typeof value !== 'string') return [];
  if (CONTROL.test(value)) return [`${name}: must not contain control characters (such as NUL)`];
  if (LONE_SURROGATE.test(value)) return [`${name}: must be valid Unicode`];
  return [];
}

/**
 * What is wrong with a parsed JSON body, walked without recursion: nesting deeper than
 * MAX_JSON_DEPTH, and strings (values or property names) holding NUL, which Postgres cannot store, or
 * a lone surrogate. Problems name the place (`connection.endpoint`), never the value.
 */
export function jsonProblems(json: unknown, maxDepth = MAX_JSON_DEPTH): string[] {
  const problems: string[] = [];
  const pending: { value: unknown; path: string; depth: number }[] = [{ value: json, path: '', depth: 0 }];
  while (pending.length > 0 && problems.length < MAX_PROBLEMS) {
    const { value, path, depth } = pending.pop() as { value: unknown; path: string; depth: number };
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) problems.push(`${path || 'body'}: ${problem}`);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return [`body: nested deeper than ${maxDepth} levels`];
    const children: { value: unknown; path: string; depth: number }[] = [];
    if (Array.isArray(value)) {
      value.forEach((item, i) => children.push({ value: item, path: `${path}[${i}]`, depth: depth + 1 }));
    } else {
      for (const [key, item] of Object.entries(value)) {
        const at = path ? `${path}.${key}` : key;
        const problem = textProblem(key);
        if (problem) problems.push(`${path || 'body'}: a property name ${problem}`);
        else children.push({ value: item, path: at, depth: depth + 1 });
      }
    }
    // Reversed, so that problems come out in the body's order.
    pending.push(...children.reverse());
  }
  return problems;
}

function textProblem(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain NUL (U+0000) characters';
  if (LONE_SURROGATE.test(text)) return 'must be valid Unicode (a lone surrogate)';
  return undefined;
}

/**
 * Runs on every route before the route's own pipes (APP_PIPE): path and query parameters are checked
 * with `parameterProblems`, JSON bodies with `jsonProblems`, so a bad input is a 400 naming the
 * parameter or the place in the body on every route at once, whatever the route's own checks.
 * Kafka handlers' payloads are not HTTP input and pass untouched.
 */
@Injectable()
export class RequestInputPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    const problems =
      metadata.type === 'param' || metadata.type === 'query'
        ? metadata.data === undefined
          ? Object.entries((value ?? {}) as Record<string, unknown>).flatMap(([name, v]) =>
              parameterProblems(name, v),
            )
          : parameterProblems(metadata.data, value)
        : metadata.type === 'body'
          ? jsonProblems(value)
          : [];
    if (problems.length > 0) throw new BadRequestException(problems);
    return value;
  }
}
