/**
 * Fault documentation generated from the registry (`chaos/faults/`): summary, description, target
 * rule and every parameter's type, default and description. Used by editor hovers and completions
 * and by docs/manifest-reference.md, so docs and code cannot drift.
 */
import type { TSchema } from '@sinclair/typebox';
import { FAULT_TYPES } from '../chaos/faults';
import type { FaultType } from '../chaos/types';
import {
  cell,
  prose,
  code,
  defaultValue,
  description,
  enumValues,
  fieldRows,
  schemaAt,
  typeLabel,
  type FieldRow,
  type Segment,
} from './schemaDocs';

const TARGET: Record<FaultType['target'], string> = {
  required: 'needs a `target` service',
  optional: 'may take a `target` service',
  none: 'takes no `target`',
};

export function faultParamRows(type: FaultType): FieldRow[] {
  return fieldRows(type.params);
}

/** Markdown table of a fault's parameters (empty string when it has none). */
export function faultParamsTable(type: FaultType): string {
  const rows = faultParamRows(type);
  if (rows.length === 0) return '';
  return [
    '| parameter | type | default | description |',
    '|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${code(r.path)} | ${cell(r.type)} | ${r.default === undefined ? (r.required ? 'required' : '') : cell(code(JSON.stringify(r.default)))} | ${cell(r.description)} |`,
    ),
  ].join('\n');
}

/** Hover and completion documentation of a fault type. */
export function faultMarkdown(type: FaultType): string {
  const table = faultParamsTable(type);
  return [
    `**${type.type}** — ${type.layer} fault: ${prose(type.summary)}`,
    '',
    prose(type.description),
    '',
    `Target: ${TARGET[type.target]}.`,
    ...(table ? ['', table] : ['', 'No parameters.']),
  ].join('\n');
}

/** Hover documentation of one (possibly nested) parameter, e.g. ["ms"] or ["match", "path"]. */
export function faultParamMarkdown(type: FaultType, p: readonly Segment[]): string | undefined {
  const schema = schemaAt(type.params, p);
  if (!schema || p.length === 0) return undefined;
  const def = defaultValue(schema);
  // Parameters with a default are filled in (withDefaults), so only the others must be given.
  const required = !def && p.length === 1 && ((type.params as { required?: string[] }).required ?? []).includes(String(p[0]));
  return [
    `**${p.join('.')}** — parameter of \`${type.type}\``,
    '',
    `Type: ${typeLabel(schema)}${required ? ' (required)' : ''}${def ? ` · default: \`${JSON.stringify(def.value)}\`` : ''}`,
    ...(description(schema) ? ['', prose(description(schema) as string)] : []),
  ].join('\n');
}

export function faultTypes(): readonly FaultType[] {
  return FAULT_TYPES;
}

const escapeSnippet = (text: string) => text.replace(/[$}\\]/g, '\\$&');
const escapeChoice = (text: string) => text.replace(/[$}\\,|]/g, '\\$&');

/**
 * Snippet text for a value of the schema's type: the default as a placeholder, a choice for
 * enums and booleans, brackets for arrays and objects. `$1` is the cursor.
 */
export function valueSnippet(schema: TSchema | undefined): string {
  const values = enumValues(schema);
  const def = defaultValue(schema)?.value;
  if (values) {
    const first = values.find((v) => v === def);
    const ordered = first !== undefined ? [first, ...values.filter((v) => v !== first)] : values;
    const quoted = ordered.every((v) => typeof v === 'string');
    const choice = `\${1|${ordered.map((v) => escapeChoice(String(v))).join(',')}|}`;
    return quoted ? `"${choice}"` : choice;
  }
  const s = (schema ?? {}) as Record<string, unknown>;
  switch (s['type']) {
    case 'string':
      return `"\${1:${escapeSnippet(typeof def === 'string' ? def : '')}}"`;
    case 'integer':
    case 'number':
      return `\${1:${typeof def === 'number' ? def : typeof s['minimum'] === 'number' ? s['minimum'] : 0}}`;
    case 'boolean':
      return `\${1|${def === true ? 'true,false' : 'false,true'}|}`;
    case 'array':
      return def !== undefined ? `\${1:${escapeSnippet(JSON.stringify(def))}}` : '[$1]';
    case 'object':
      return def !== undefined && JSON.stringify(def) !== '{}' ? `\${1:${escapeSnippet(JSON.stringify(def))}}` : '{$1}';
    default:
      return def !== undefined ? `\${1:${escapeSnippet(JSON.stringify(def))}}` : '$1';
  }
}
