// The R4 core extension definitions (extension-definitions.xml of hapi-fhir-validation-resources-r4)
// reduced to what @meridian/fhir checks, as HAPI FHIR's validator does: where an extension may be
// used (its element contexts), whether it is a modifier, the types its value may have, and for a
// complex extension the types of each sub-extension it defines. Used by extract.mjs.

/** A minimal XML tree: { name, attrs, children }; FHIR XML has no mixed content we need. */
function parseXml(xml) {
  const root = { name: '#root', attrs: {}, children: [] };
  const stack = [root];
  const tag = /<(\/?)([A-Za-z][A-Za-z0-9:]*)((?:\s+[A-Za-z:]+="[^"]*")*)\s*(\/?)>|<!--[\s\S]*?-->/g;
  for (let m = tag.exec(xml); m; m = tag.exec(xml)) {
    const [whole, closing, name, attrText, selfClosing] = m;
    if (whole.startsWith('<!--')) continue;
    if (closing) {
      stack.pop();
      continue;
    }
    const attrs = {};
    for (const a of (attrText ?? '').matchAll(/([A-Za-z:]+)="([^"]*)"/g)) attrs[a[1]] = unescape(a[2]);
    const node = { name, attrs, children: [] };
    stack.at(-1).children.push(node);
    // <div> narratives hold XHTML; their inner tags do not matter here but must balance.
    if (!selfClosing) stack.push(node);
  }
  return root;
}

function unescape(value) {
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

const child = (node, name) => node.children.find((c) => c.name === name);
const children = (node, name) => node.children.filter((c) => c.name === name);
const value = (node, name) => child(node, name)?.attrs.value;

function typesOf(element) {
  if (!element || value(element, 'max') === '0') return [];
  return children(element, 'type').map((t) => value(t, 'code'));
}

/** url → { contexts, modifier, types, extensions? } for every R4 core extension definition. */
export function extensionDefinitions(xml) {
  const out = {};
  const stack = [parseXml(xml)];
  while (stack.length) {
    const node = stack.pop();
    if (node.name !== 'StructureDefinition') {
      stack.push(...node.children);
      continue;
    }
    if (value(node, 'type') !== 'Extension' || value(node, 'derivation') !== 'constraint') continue;
    const url = value(node, 'url');
    const snapshot = child(node, 'snapshot');
    if (!url || !snapshot) continue;
    const elements = new Map(children(snapshot, 'element').map((e) => [e.attrs.id, e]));
    // Contexts of another kind (fhirpath, extension) are not checked: null means anywhere.
    const contextNodes = children(node, 'context');
    const contexts = contextNodes.every((c) => value(c, 'type') === 'element')
      ? contextNodes.map((c) => value(c, 'expression'))
      : null;
    const definition = {
      contexts,
      modifier: value(elements.get('Extension'), 'isModifier') === 'true',
      types: typesOf(elements.get('Extension.value[x]')),
    };
    const subs = {};
    for (const [id, element] of elements) {
      const slice = /^Extension\.extension:([^.]+)\.url$/.exec(id);
      if (!slice) continue;
      const subUrl = child(element, 'fixedUri')?.attrs.value;
      if (subUrl) subs[subUrl] = typesOf(elements.get(`Extension.extension:${slice[1]}.value[x]`));
    }
    if (Object.keys(subs).length) definition.extensions = subs;
    out[url] = definition;
  }
  return out;
}
