/**
 * Documentation read out of TypeBox schemas (the manifest and every fault's parameters), so the
 * editor hovers, completions and docs/manifest-reference.md say exactly what the code accepts.
 * Nothing here is hand-written per field: change a schema and the docs follow.
 */
import type { TSchema } from '@sinclair/typebox';

type Schema = Record<string, unknown>;
export type Segment = string | number;

const asSchema = (s: unknown): Schema | undefined => (s !== null && typeof s === 'object' ? (s as Schema) : undefined);

/** Human words for the patterns the manifest uses. */
const PATTERNS: Record<string, string> = {
  '^[a-z][a-z0-9_-]*$': 'id',
  '^/': 'path ("/…")',
  '^[A-Za-z_][A-Za-z0-9_]*$': 'variable name',
};

/** Literal values of a union of literals (an enum), else undefined. */
export function enumValues(schema: TSchema | undefined): (string | number | boolean)[] | undefined {
  const s = asSchema(schema);
  if (!s) return undefined;
  if ('const' in s) return [s['const'] as string];
  const options = s['anyOf'];
  if (!Array.isArray(options) || options.length === 0) return undefined;
  const values = options.map((o) => asSchema(o)?.['const']);
  const literal = (v: unknown): v is string | number | boolean => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
  return values.every(literal) ? values : undefined;
}

function range(s: Schema): string {
  const min = s['minimum'] ?? s['exclusiveMinimum'];
  const max = s['maximum'] ?? s['exclusiveMaximum'];
  const lo = s['exclusiveMinimum'] !== undefined ? '>' : '≥';
  const hi = s['exclusiveMaximum'] !== undefined ? '<' : '≤';
  if (typeof min === 'number' && typeof max === 'number' && lo === '≥' && hi === '≤') return ` ${min}–${max}`;
  return `${typeof min === 'number' ? ` ${lo} ${min}` : ''}${typeof max === 'number' ? ` ${hi} ${max}` : ''}`;
}

function count(s: Schema, noun: string): string {
  const min = s[`min${noun}`];
  const max = s[`max${noun}`];
  if (typeof min === 'number' && typeof max === 'number') return min === max ? ` (${min})` : ` (${min}–${max})`;
  if (typeof min === 'number' && min > 0) return ` (≥ ${min})`;
  if (typeof max === 'number') return ` (≤ ${max})`;
  return '';
}

/** A short type label: `integer 0–600000`, `"request" | "response"`, `array of id`, `map of string → string`. */
export function typeLabel(schema: TSchema | undefined): string {
  const s = asSchema(schema);
  if (!s) return 'any JSON value';
  const values = enumValues(schema);
  if (values) return values.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(s['anyOf'])) return (s['anyOf'] as TSchema[]).map(typeLabel).join(' | ');
  switch (s['type']) {
    case 'string': {
      const pattern = typeof s['pattern'] === 'string' ? s['pattern'] : undefined;
      if (pattern && PATTERNS[pattern]) return PATTERNS[pattern];
      if (pattern?.includes('\\.\\.')) return 'relative path';
      if (pattern) return `string matching \`${pattern}\``;
      return typeof s['minLength'] === 'number' && s['minLength'] > 0 ? 'non-empty string' : 'string';
    }
    case 'integer':
    case 'number':
      return `${s['type']}${range(s)}`;
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      if (Array.isArray(s['items'])) return `[${(s['items'] as TSchema[]).map(typeLabel).join(', ')}]`;
      const unique = s['uniqueItems'] === true ? ', unique' : '';
      return `array of ${typeLabel(s['items'] as TSchema)}${count(s, 'Items')}${unique}`;
    }
    case 'object': {
      const value = recordValue(schema);
      if (value) return `map of ${typeLabel(recordKey(schema))} → ${typeLabel(value)}`;
      return 'object';
    }
    default:
      return 'any JSON value';
  }
}

/** The value schema of a `Type.Record`, else undefined. */
export function recordValue(schema: TSchema | undefined): TSchema | undefined {
  const pp = asSchema(asSchema(schema)?.['patternProperties']);
  const first = pp ? Object.values(pp)[0] : undefined;
  return first as TSchema | undefined;
}

function recordKey(schema: TSchema | undefined): TSchema {
  const pp = asSchema(asSchema(schema)?.['patternProperties']);
  const pattern = pp ? Object.keys(pp)[0] : undefined;
  return (pattern && pattern !== '^(.*)$' ? { type: 'string', pattern } : { type: 'string' }) as unknown as TSchema;
}

/** Properties of an object schema, with whether each is required. */
export function properties(schema: TSchema | undefined): { name: string; schema: TSchema; required: boolean }[] {
  const s = asSchema(schema);
  const props = asSchema(s?.['properties']);
  if (!s || !props) return [];
  const required = new Set(Array.isArray(s['required']) ? (s['required'] as string[]) : []);
  return Object.entries(props).map(([name, p]) => ({ name, schema: p as TSchema, required: required.has(name) }));
}

/** The schema of the value at a JSON path below `root` (objects, arrays, tuples, records; unions are searched). */
export function schemaAt(root: TSchema | undefined, p: readonly Segment[]): TSchema | undefined {
  let current: TSchema | undefined = root;
  for (const seg of p) {
    const s = asSchema(current);
    if (!s) return undefined;
    if (Array.isArray(s['anyOf'])) {
      const rest = p.slice(p.indexOf(seg));
      for (const option of s['anyOf'] as TSchema[]) {
        const found = schemaAt(option, rest);
        if (found) return found;
      }
      return undefined;
    }
    if (typeof seg === 'number') {
      const items = s['items'];
      current = Array.isArray(items) ? (items[seg] as TSchema | undefined) : (items as TSchema | undefined);
    } else {
      const props = asSchema(s['properties']);
      current = (props?.[seg] as TSchema | undefined) ?? recordValue(current);
    }
  }
  return current;
}

export function description(schema: TSchema | undefined): string | undefined {
  const d = asSchema(schema)?.['description'];
  return typeof d === 'string' ? d : undefined;
}

export function defaultValue(schema: TSchema | undefined): { value: unknown } | undefined {
  const s = asSchema(schema);
  return s && 'default' in s ? { value: s['default'] } : undefined;
}

export interface FieldRow {
  /** `services[].health.path` */
  path: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
}

/**
 * Every field below an object schema, depth first: objects, arrays of objects and records of
 * objects are expanded (`services[].health.path`, `solutions.<name>`).
 */
export function fieldRows(schema: TSchema | undefined, prefix = ''): FieldRow[] {
  const rows: FieldRow[] = [];
  for (const { name, schema: child, required } of properties(schema)) {
    const at = prefix === '' ? name : `${prefix}.${name}`;
    const def = defaultValue(child);
    rows.push({
      path: at,
      type: typeLabel(child),
      required,
      ...(def ? { default: def.value } : {}),
      description: description(child) ?? '',
    });
    rows.push(...nestedFieldRows(child, at));
  }
  return rows;
}

/** Rows below one field (`at`): the fields of its object, array items or record values. */
export function nestedFieldRows(schema: TSchema, at: string): FieldRow[] {
  const s = asSchema(schema);
  if (!s) return [];
  if (s['type'] === 'array' && !Array.isArray(s['items'])) return nestedFieldRows(s['items'] as TSchema, `${at}[]`);
  const value = recordValue(schema);
  if (s['type'] === 'object' && value) {
    const key = typeLabel(recordKey(schema)) === 'id' ? '<name>' : '<key>';
    // A value that may be one of several forms (a path, or an object): document the object forms.
    const forms = [value, ...((asSchema(value)?.['anyOf'] as TSchema[] | undefined) ?? [])];
    return forms.filter((f) => properties(f).length > 0).flatMap((f) => fieldRows(f, `${at}.${key}`));
  }
  if (s['type'] === 'object') return fieldRows(schema, at);
  return [];
}

/** Markdown prose: `<` outside code spans is escaped, so `<name>` is not read as HTML. */
export function prose(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/</g, '\\<')))
    .join('');
}

/** A Markdown table cell: no line breaks, `|` escaped, `<` outside code spans escaped. */
export function cell(text: string): string {
  return prose(text.replace(/\r?\n/g, ' ')).replace(/\|/g, '\\|');
}

export function code(text: string): string {
  return text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``;
}
