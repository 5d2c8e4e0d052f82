/**
 * Completion in exercise.json: fault types, fault parameters (with typed snippets), the names the
 * manifest declares (services, chaos modes, phases, stages), hidden-check ids, and enum values of
 * the schema. Everything comes from the registry, the schema and the exercise folder.
 */
import { getLocation } from 'jsonc-parser';
import {
  CompletionItemKind,
  InsertTextFormat,
  MarkupKind,
  type CompletionItem,
  type Position,
  type Range,
} from 'vscode-languageserver/node';
import type { TSchema } from '@sinclair/typebox';
import { faultType } from '../../extension/engine/chaos/faults';
import { faultMarkdown, faultParamMarkdown, faultTypes, valueSnippet } from '../../extension/engine/authoring/faultDocs';
import { defaultValue, description, enumValues, properties, schemaAt, typeLabel } from '../../extension/engine/authoring/schemaDocs';
import { Exercise } from '../../extension/engine/manifest/schema';
import { matchPath, type ManifestModel, type Named, type Segment } from './model';

const FAULT = ['chaos', '#', 'faults', '#'];

/** Where a path lies inside a fault's params: the fault index path and the rest, else undefined. */
export function inFaultParams(p: readonly Segment[]): { fault: Segment[]; rest: Segment[] } | undefined {
  if (p.length < 5 || !matchPath(p.slice(0, 5), [...FAULT, 'params'])) return undefined;
  return { fault: p.slice(0, 4), rest: p.slice(5) };
}

export function completions(model: ManifestModel, position: Position): CompletionItem[] {
  const offset = model.doc.offsetAt(position);
  const loc = getLocation(model.text, offset);
  const p = loc.path;
  const { range, quoted } = model.replaceRange(offset);
  if (loc.isAtPropertyKey) return keyCompletions(model, p.slice(0, -1), String(p[p.length - 1] ?? ''), range, offset);

  const value = (label: string, kind: CompletionItemKind, detail?: string, documentation?: string): CompletionItem => {
    const text = JSON.stringify(label);
    return {
      label,
      kind,
      ...(detail ? { detail } : {}),
      ...(documentation ? { documentation: { kind: MarkupKind.Markdown, value: documentation } } : {}),
      textEdit: { range, newText: text },
      filterText: quoted ? text : label,
    };
  };
  const names = (items: Named[], kind: CompletionItemKind, what: string) =>
    items.map((n) => value(n.name, kind, n.title ? `${what}: ${n.title}` : what));
  /** In arrays of unique names, leave out the ones already listed (except the one being edited). */
  const notListed = (items: Named[]) => {
    const arr = model.at(p.slice(0, -1));
    const index = p[p.length - 1];
    const taken = Array.isArray(arr) ? arr.filter((_, i) => i !== index) : [];
    return items.filter((n) => !taken.includes(n.name));
  };

  if (matchPath(p, [...FAULT, 'type']))
    return faultTypes().map((f) => ({ ...value(f.type, CompletionItemKind.Function, f.summary, faultMarkdown(f)), sortText: f.type }));
  const services = model.services();
  if (matchPath(p, [...FAULT, 'target']) || matchPath(p, [...FAULT, 'params', 'from']) || matchPath(p, ['scenarioEndpoints', 'service']))
    return names(services, CompletionItemKind.Module, 'service');
  if (matchPath(p, [...FAULT, 'params', 'between', '#'])) return names(notListed(services), CompletionItemKind.Module, 'service');
  if (matchPath(p, ['services', '#', 'dependsOn', '#'])) {
    const self = model.at([...p.slice(0, 2), 'name']);
    return names(
      notListed(services).filter((s) => s.name !== self),
      CompletionItemKind.Module,
      'service',
    );
  }
  if (matchPath(p, ['solutions', '*', 'extends']))
    return names(
      model.solutions().filter((s) => s.name !== p[1]),
      CompletionItemKind.Reference,
      'solution',
    );
  if (matchPath(p, ['phases', '#', 'chaos', '#'])) return names(notListed(model.chaosModes()), CompletionItemKind.Event, 'chaos mode');
  if (matchPath(p, ['hints', '#', 'chaos'])) return names(model.chaosModes(), CompletionItemKind.Event, 'chaos mode');
  if (matchPath(p, ['hints', '#', 'phase'])) return names(model.phases(), CompletionItemKind.EnumMember, 'phase');
  if (matchPath(p, ['rubric', 'categories', '#', 'items', '#', 'stage']))
    return names(model.stages(), CompletionItemKind.EnumMember, 'stage');
  if (
    matchPath(p, ['rubric', 'categories', '#', 'items', '#', 'check']) ||
    matchPath(p, ['rubric', 'categories', '#', 'items', '#', 'checks', '#', 'check'])
  ) {
    return model
      .checks()
      .map((c) =>
        value(
          c.id,
          CompletionItemKind.Constant,
          c.title ?? 'hidden check',
          `Hidden check \`${c.id}\`${c.kind ? ` (${c.kind})` : ''}, declared in \`${relative(model.dir, c.file)}:${c.line}\``,
        ),
      );
  }

  // Enum values of the schema, or of a fault parameter.
  const inParams = inFaultParams(p);
  const schema = inParams ? paramSchema(model, inParams.fault, inParams.rest) : schemaAt(Exercise, p);
  const values = enumValues(schema);
  if (!values) return [];
  return values.map((v) => {
    if (typeof v === 'string') return value(v, CompletionItemKind.EnumMember, description(schema));
    return { label: String(v), kind: CompletionItemKind.EnumMember, textEdit: { range, newText: String(v) } };
  });
}

function relative(dir: string, file: string): string {
  return file.startsWith(dir + '/') ? file.slice(dir.length + 1) : file;
}

function paramSchema(model: ManifestModel, fault: Segment[], rest: Segment[]): TSchema | undefined {
  const type = model.at([...fault, 'type']);
  const f = typeof type === 'string' ? faultType(type) : undefined;
  return f ? schemaAt(f.params, rest) : undefined;
}

/** Property names: the parameters of the fault being edited (and of its nested parameter objects). */
function keyCompletions(model: ManifestModel, parent: Segment[], typed: string, range: Range, offset: number): CompletionItem[] {
  const inParams = inFaultParams([...parent, '']);
  if (!inParams) return [];
  const rest = inParams.rest.slice(0, -1);
  const type = model.at([...inParams.fault, 'type']);
  const f = typeof type === 'string' ? faultType(type) : undefined;
  if (!f) return [];
  const schema = schemaAt(f.params, rest);
  const present = model.at(parent);
  const taken = present !== null && typeof present === 'object' ? Object.keys(present).filter((k) => k !== typed) : [];
  // Typing a key that already has a value ("ms": 3): complete the name only.
  const hasValue = colonFollows(model.text, offset);
  return properties(schema)
    .filter((prop) => !taken.includes(prop.name))
    .map((prop) => {
      const def = defaultValue(prop.schema);
      const required = prop.required && !def; // defaults are filled in
      const key = JSON.stringify(prop.name);
      return {
        label: prop.name,
        kind: CompletionItemKind.Property,
        detail: `${typeLabel(prop.schema)}${required ? ' (required)' : ''}${def ? ` = ${JSON.stringify(def.value)}` : ''}`,
        documentation: { kind: MarkupKind.Markdown, value: faultParamMarkdown(f, [...rest, prop.name]) ?? '' },
        filterText: key,
        insertTextFormat: InsertTextFormat.Snippet,
        textEdit: { range, newText: hasValue ? key : `${key}: ${valueSnippet(prop.schema)}` },
        sortText: `${required ? '0' : '1'}${prop.name}`,
      };
    });
}

/** Whether the key under the cursor already has a `:` after it. */
function colonFollows(t: string, offset: number): boolean {
  let i = offset;
  while (i < t.length && !'"\n:,{}'.includes(t.charAt(i))) i++; // the rest of the key
  if (t[i] === '"') i++;
  while (i < t.length && /\s/.test(t.charAt(i))) i++;
  return t[i] === ':';
}
