/**
 * Hover in exercise.json: fault types and fault parameters (docs generated from the registry), and
 * every other key (its schema description, type, default, whether it is required).
 */
import { findNodeAtOffset, getLocation, type Node } from 'jsonc-parser';
import { MarkupKind, type Hover, type Position } from 'vscode-languageserver/node';
import { faultType } from '../../extension/engine/chaos/faults';
import { faultMarkdown, faultParamMarkdown } from '../../extension/engine/authoring/faultDocs';
import { defaultValue, description, properties, prose, schemaAt, typeLabel } from '../../extension/engine/authoring/schemaDocs';
import { Exercise } from '../../extension/engine/manifest/schema';
import { inFaultParams } from './completion';
import { matchPath, type ManifestModel } from './model';

export function hover(model: ManifestModel, position: Position): Hover | null {
  if (!model.tree) return null;
  const offset = model.doc.offsetAt(position);
  const node = findNodeAtOffset(model.tree, offset);
  if (!node) return null;
  const loc = getLocation(model.text, offset);
  const p = loc.path;
  const isKey = node.type === 'string' && node.parent?.type === 'property' && node.parent.children?.[0] === node;
  const range = { start: model.doc.positionAt(node.offset), end: model.doc.positionAt(node.offset + node.length) };
  const answer = (markdown: string | undefined): Hover | null =>
    markdown ? { contents: { kind: MarkupKind.Markdown, value: markdown }, range } : null;

  // The fault type itself (the value of "type" in a fault).
  if (!isKey && matchPath(p, ['chaos', '#', 'faults', '#', 'type']) && typeof node.value === 'string') {
    const f = faultType(node.value);
    return answer(f ? faultMarkdown(f) : undefined);
  }
  // A fault parameter (its key, or its value).
  const inParams = inFaultParams(p);
  if (inParams && inParams.rest.length > 0) {
    const type = model.at([...inParams.fault, 'type']);
    const f = typeof type === 'string' ? faultType(type) : undefined;
    return answer(f ? faultParamMarkdown(f, inParams.rest) : undefined);
  }
  if (!isKey) return null;
  return answer(keyMarkdown(p, keyName(node)));
}

function keyName(node: Node): string {
  return typeof node.value === 'string' ? node.value : '';
}

/** Schema documentation of a manifest key. */
function keyMarkdown(p: (string | number)[], name: string): string | undefined {
  const parent = schemaAt(Exercise, p.slice(0, -1));
  const schema = schemaAt(Exercise, p);
  if (!schema) return undefined;
  const prop = properties(parent).find((x) => x.name === name);
  const def = defaultValue(schema);
  const status = prop ? (prop.required ? 'required' : 'optional') : '';
  return [
    `**${name}**${status ? ` (${status})` : ''}: ${typeLabel(schema)}${def ? ` · default: \`${JSON.stringify(def.value)}\`` : ''}`,
    ...(description(schema) ? ['', prose(description(schema) as string)] : []),
  ].join('\n');
}
