import { isOidUrn, isResourceId, isUuidUrn } from './primitive-formats';

// The forms Reference.reference may take (R4 references.html): relative `Type/id` (optionally
// `/_history/vid`), an absolute URL, `urn:uuid:` / `urn:oid:` (resolved inside a Bundle), a local
// `#id` to a contained resource, and a conditional `Type?query` (transactions, http.html#trules).

export type ParsedReference =
  | { readonly form: 'relative' | 'conditional'; readonly type: string }
  | { readonly form: 'absolute'; readonly type: string | undefined }
  | { readonly form: 'uuid' | 'oid' }
  | { readonly form: 'local'; readonly id: string }
  | { readonly form: 'invalid'; readonly reason: string };

const RELATIVE_RE = /^([A-Z][A-Za-z]+)\/([^/?#\s]+)(\/_history\/([^/?#\s]+))?$/;
const CONDITIONAL_RE = /^([A-Z][A-Za-z]+)\?(\S*)$/;
const ABSOLUTE_RE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/]+\S*$/;
// The RESTful tail of an absolute URL: `.../Type/id` or `.../Type/id/_history/vid`.
const RESTFUL_TAIL_RE = /\/([A-Z][A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})(\/_history\/[A-Za-z0-9\-.]{1,64})?$/;

export function parseReference(reference: string, resourceTypes: ReadonlySet<string>): ParsedReference {
  if (reference.startsWith('#')) {
    const id = reference.slice(1);
    if (id !== '' && !isResourceId(id)) return { form: 'invalid', reason: 'local reference is not #id' };
    return { form: 'local', id };
  }
  if (reference.startsWith('urn:uuid:')) {
    return isUuidUrn(reference) ? { form: 'uuid' } : { form: 'invalid', reason: 'urn:uuid is not a UUID' };
  }
  if (reference.startsWith('urn:oid:')) {
    return isOidUrn(reference) ? { form: 'oid' } : { form: 'invalid', reason: 'urn:oid is not an OID' };
  }
  const relative = RELATIVE_RE.exec(reference);
  if (relative) {
    if (!resourceTypes.has(relative[1])) return { form: 'invalid', reason: 'not an R4 resource type' };
    if (!isResourceId(relative[2]) || (relative[4] !== undefined && !isResourceId(relative[4]))) {
      return { form: 'invalid', reason: 'id is not a valid R4 id' };
    }
    return { form: 'relative', type: relative[1] };
  }
  const conditional = CONDITIONAL_RE.exec(reference);
  if (conditional) {
    if (!resourceTypes.has(conditional[1])) return { form: 'invalid', reason: 'not an R4 resource type' };
    if (conditional[2] === '') return { form: 'invalid', reason: 'conditional reference without criteria' };
    return { form: 'conditional', type: conditional[1] };
  }
  if (ABSOLUTE_RE.test(reference)) {
    const tail = RESTFUL_TAIL_RE.exec(reference);
    return { form: 'absolute', type: tail && resourceTypes.has(tail[1]) ? tail[1] : undefined };
  }
  return {
    form: 'invalid',
    reason: 'not Type/id, an absolute URL, urn:uuid:, urn:oid:, #id or Type?criteria',
  };
}
