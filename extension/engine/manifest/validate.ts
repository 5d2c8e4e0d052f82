/**
 * Manifest validation: JSON syntax, schema, and the semantic rules a schema cannot express
 * (references resolve, ids are unique, files exist, interviewer material stays out of the starter).
 *
 * Every problem carries the file, a JSON path and a line:column, so the CLI, the catalog and the
 * language server report the same thing at the same place. Validation never throws on bad input.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { Value, type ValueError } from '@sinclair/typebox/value';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { Exercise } from './schema';
import { checkFault, faultType } from '../chaos/faults';
import { parseTemplate } from './templates';

/** Names of Faultline's infrastructure processes (see supervisor). */
const RESERVED = ['fault-proxy', 'db-agent'];

export type Segment = string | number;

export interface ManifestProblem {
  file: string;
  /** JSON path of the offending value, as segments. */
  path: Segment[];
  line: number;
  column: number;
  /** Character offsets of the offending node in the file (for editors). */
  offset: number;
  length: number;
  severity: 'error' | 'warning';
  message: string;
}

/** `$.services[0].health.path` */
export function formatJsonPath(segments: readonly Segment[]): string {
  return (
    '$' +
    segments.map((s) => (typeof s === 'number' ? `[${s}]` : /^[A-Za-z_$][\w$]*$/.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('')
  );
}

export function formatProblem(p: ManifestProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.severity}: ${formatJsonPath(p.path)}: ${p.message}`;
}

export interface ValidationResult {
  manifest?: Exercise;
  problems: ManifestProblem[];
}

/** Validate the text of `<exerciseDir>/exercise.json`. File checks are relative to `exerciseDir`. */
export function validateManifestText(file: string, text: string, exerciseDir: string): ValidationResult {
  const locator = new Locator(file, text);
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: false, disallowComments: true });
  if (parseErrors.length > 0 || !root) {
    return {
      problems: parseErrors.map((e) =>
        locator.at([], e.offset, e.length, `invalid JSON: ${describeParseError(printParseErrorCode(e.error))}`),
      ),
    };
  }
  locator.root = root;
  const data: unknown = getNodeValue(root);
  const problems = schemaProblems(data).map(({ path: p, message, key }) => locator.problem(p, message, 'error', key));
  if (problems.length > 0) return { problems };
  const manifest = data as Exercise;
  const semantic = semanticProblems(manifest, exerciseDir).map((p) => locator.problem(p.path, p.message, p.severity));
  return { manifest, problems: semantic };
}

export function validateManifestFile(file: string): ValidationResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(err);
    return { problems: [{ file, path: [], line: 1, column: 1, offset: 0, length: 0, severity: 'error', message: reason }] };
  }
  return validateManifestText(file, text, path.dirname(file));
}

// ---------------------------------------------------------------------------------------------

class Locator {
  root: Node | undefined;
  private readonly lineStarts: number[] = [0];
  constructor(
    readonly file: string,
    text: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  at(p: Segment[], offset: number, length: number, message: string, severity: 'error' | 'warning' = 'error'): ManifestProblem {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, path: p, line: lo + 1, column: offset - (this.lineStarts[lo] ?? 0) + 1, offset, length, severity, message };
  }

  /**
   * Locate the deepest existing node on `p` (a missing property points at its parent object).
   * With `key`, point at the property's name instead of its value (e.g. an unknown property).
   */
  problem(p: Segment[], message: string, severity: 'error' | 'warning' = 'error', key = false): ManifestProblem {
    if (!this.root) return this.at(p, 0, 0, message, severity);
    for (let n = p.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.root, p.slice(0, n));
      if (!node) continue;
      const name = key && n === p.length && node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      const target = name ?? node;
      return this.at(p, target.offset, target.length, message, severity);
    }
    return this.at(p, 0, 0, message, severity);
  }
}

function describeParseError(code: string): string {
  const words: Record<string, string> = {
    InvalidSymbol: 'unexpected character',
    InvalidNumberFormat: 'invalid number',
    PropertyNameExpected: 'property name expected',
    ValueExpected: 'value expected',
    ColonExpected: '":" expected',
    CommaExpected: '"," expected',
    CloseBraceExpected: '"}" expected',
    CloseBracketExpected: '"]" expected',
    EndOfFileExpected: 'end of file expected',
    InvalidCommentToken: 'comments are not allowed',
    UnexpectedEndOfComment: 'unterminated comment',
    UnexpectedEndOfString: 'unterminated string',
    UnexpectedEndOfNumber: 'unterminated number',
    InvalidUnicode: 'invalid unicode escape',
    InvalidEscapeCharacter: 'invalid escape character',
    InvalidCharacter: 'invalid character',
  };
  return words[code] ?? code;
}

function pointerToSegments(pointer: string): Segment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

const patternWords: Record<string, string> = {
  '^[a-z][a-z0-9_-]*$': 'a lower-case identifier (letters, digits, "-" or "_", starting with a letter)',
  '^/': 'a path starting with "/"',
  '^[A-Za-z_][A-Za-z0-9_]*$': 'an environment variable name',
};

function describeError(e: ValueError): string {
  const schema = e.schema as Record<string, unknown>;
  switch (e.type) {
    case ValueErrorType.Union: {
      const options = (schema['anyOf'] as Record<string, unknown>[] | undefined) ?? [];
      const consts = options.map((o) => o['const']).filter((c) => c !== undefined);
      if (consts.length === options.length && consts.length > 0) {
        return `expected one of ${consts.map((c) => JSON.stringify(c)).join(', ')}, got ${JSON.stringify(e.value)}`;
      }
      return `${e.message.toLowerCase()}, got ${JSON.stringify(e.value)}`;
    }
    case ValueErrorType.StringPattern: {
      const pattern = String(schema['pattern']);
      const words =
        patternWords[pattern] ??
        (pattern.includes('\\.\\.')
          ? 'a relative path inside the exercise folder (no "..", not absolute)'
          : `a string matching ${pattern}`);
      return `expected ${words}, got ${JSON.stringify(e.value)}`;
    }
    case ValueErrorType.ObjectRequiredProperty:
      return `missing required property${typeof schema['description'] === 'string' ? ` (${schema['description']})` : ''}`;
    case ValueErrorType.ObjectAdditionalProperties:
      return 'unknown property';
    default: {
      const got = e.value === undefined ? '' : `, got ${JSON.stringify(e.value)?.slice(0, 60)}`;
      return `${e.message.charAt(0).toLowerCase()}${e.message.slice(1)}${got}`;
    }
  }
}

function schemaProblems(data: unknown): { path: Segment[]; message: string; key: boolean }[] {
  const seen = new Set<string>();
  const out: { path: Segment[]; message: string; key: boolean }[] = [];
  for (const e of Value.Errors(Exercise, data)) {
    // A union reports its own error plus one per branch; the union's message is the useful one.
    const key = e.path;
    if (seen.has(key)) continue;
    seen.add(key);
    let p = pointerToSegments(e.path);
    if (e.type === ValueErrorType.ObjectRequiredProperty) {
      const missing = p[p.length - 1];
      p = p.slice(0, -1);
      out.push({ path: p, message: `missing required property "${String(missing)}"`, key: false });
      continue;
    }
    out.push({ path: p, message: describeError(e), key: e.type === ValueErrorType.ObjectAdditionalProperties });
    if (out.length >= 50) break;
  }
  return out;
}

interface Semantic {
  path: Segment[];
  message: string;
  severity: 'error' | 'warning';
}

function semanticProblems(m: Exercise, dir: string): Semantic[] {
  const out: Semantic[] = [];
  const error = (p: Segment[], message: string) => out.push({ path: p, message, severity: 'error' });

  if (m.id !== path.basename(dir)) error(['id'], `exercise id "${m.id}" must equal its folder name "${path.basename(dir)}"`);

  const unique = (items: readonly { id?: string; name?: string }[], key: 'id' | 'name', where: string) => {
    const first = new Map<string, number>();
    items.forEach((item, i) => {
      const value = item[key];
      if (value === undefined) return;
      const prev = first.get(value);
      if (prev !== undefined) error([where, i, key], `duplicate ${key} "${value}" (first used at ${where}[${prev}])`);
      else first.set(value, i);
    });
  };
  unique(m.services, 'name', 'services');
  unique(m.phases, 'id', 'phases');
  unique(m.chaos, 'id', 'chaos');
  unique(m.hints, 'id', 'hints');

  // With duplicates, the first definition counts (the later ones are reported above).
  const services = new Map<string, Exercise['services'][number]>();
  for (const s of m.services) if (!services.has(s.name)) services.set(s.name, s);
  const chaosIds = new Set(m.chaos.map((c) => c.id));
  const phaseIds = new Set(m.phases.map((p) => p.id));

  m.services.forEach((s, i) => {
    if (RESERVED.includes(s.name))
      error(['services', i, 'name'], `"${s.name}" is reserved for Faultline's own processes; choose another name`);
    (s.dependsOn ?? []).forEach((d, j) => {
      if (d === s.name) error(['services', i, 'dependsOn', j], `service "${s.name}" cannot depend on itself`);
      else if (!services.has(d))
        error(['services', i, 'dependsOn', j], `unknown service "${d}"; known: ${[...services.keys()].join(', ')}`);
    });
    for (const [name, value] of Object.entries(s.env ?? {})) {
      const parsed = parseTemplate(value);
      if ('error' in parsed) {
        error(['services', i, 'env', name], parsed.error);
        continue;
      }
      for (const ref of parsed.refs) {
        if (ref.kind === 'service') {
          if (!services.has(ref.service)) error(['services', i, 'env', name], `\${${ref.text}} names unknown service "${ref.service}"`);
          else if (!(s.dependsOn ?? []).includes(ref.service))
            error(
              ['services', i, 'env', name],
              `\${${ref.text}} needs "${ref.service}" in dependsOn (its address is known only after it started)`,
            );
        }
      }
    }
    if (s.role === 'candidate') {
      const entry = path.join(dir, m.starter, s.cwd ?? '.', s.entry);
      if (!fs.existsSync(entry)) error(['services', i, 'entry'], `entry file not found in the starter: ${path.relative(dir, entry)}`);
    }
  });

  const cycle = findCycle([...services.values()].map((s) => ({ name: s.name, deps: (s.dependsOn ?? []).filter((d) => services.has(d)) })));
  if (cycle) {
    const i = m.services.findIndex((s) => s.name === cycle[0]);
    error(['services', i, 'dependsOn'], `dependency cycle: ${cycle.join(' → ')}`);
  }

  m.phases.forEach((p, i) =>
    (p.chaos ?? []).forEach((c, j) => {
      if (!chaosIds.has(c)) error(['phases', i, 'chaos', j], `unknown chaos mode "${c}"`);
    }),
  );
  m.hints.forEach((h, i) => {
    if (h.phase !== undefined && !phaseIds.has(h.phase)) error(['hints', i, 'phase'], `unknown phase "${h.phase}"`);
    if (h.chaos !== undefined && !chaosIds.has(h.chaos)) error(['hints', i, 'chaos'], `unknown chaos mode "${h.chaos}"`);
    const order = ['mild', 'medium', 'strong'];
    let last = -1;
    h.ladder.forEach((step, j) => {
      const rank = order.indexOf(step.level);
      if (rank <= last) error(['hints', i, 'ladder', j, 'level'], 'hint levels must go up: mild → medium → strong');
      last = rank;
    });
  });
  m.chaos.forEach((c, i) =>
    c.faults.forEach((f, j) => {
      if (f.target !== undefined && !services.has(f.target)) {
        error(['chaos', i, 'faults', j, 'target'], `unknown service "${f.target}"`);
        return;
      }
      for (const p of checkFault(f, [...services.keys()])) error(['chaos', i, 'faults', j, ...p.path], p.message);
      const type = faultType(f.type);
      const needsDb = type && (type.layer === 'data' || f.type === 'seed_rows');
      if (needsDb && f.target !== undefined && !services.get(f.target)?.database) {
        error(
          ['chaos', i, 'faults', j, 'target'],
          `fault "${f.type}" changes a database, but service "${f.target}" declares no "database"`,
        );
      }
    }),
  );
  if (m.scenarioEndpoints && !services.has(m.scenarioEndpoints.service)) {
    error(['scenarioEndpoints', 'service'], `unknown service "${m.scenarioEndpoints.service}"`);
  }

  if (m.rubric) {
    const r = m.rubric;
    const sum = r.categories.reduce((acc, c) => acc + c.points, 0);
    if (Math.abs(sum - r.total) > 1e-9) error(['rubric', 'total'], `total is ${r.total} but the categories add up to ${sum}`);
    const itemIds = new Map<string, string>();
    r.categories.forEach((c, i) => {
      const items = c.items.reduce((acc, it) => acc + it.points, 0);
      if (c.items.length > 0 && Math.abs(items - c.points) > 1e-9)
        error(['rubric', 'categories', i, 'points'], `category "${c.id}" has ${c.points} points but its items add up to ${items}`);
      c.items.forEach((it, j) => {
        const prev = itemIds.get(it.id);
        if (prev) error(['rubric', 'categories', i, 'items', j, 'id'], `duplicate rubric item id "${it.id}" (also in category "${prev}")`);
        itemIds.set(it.id, c.id);
        if (it.kind === 'auto' && !it.check && !it.checks)
          error(['rubric', 'categories', i, 'items', j], 'automatic items need a "check" or "checks"');
        if (it.check && it.checks) error(['rubric', 'categories', i, 'items', j, 'checks'], 'use either "check" or "checks", not both');
        if (it.stage !== undefined && !(r.stages ?? []).some((st) => st.id === it.stage)) {
          error(['rubric', 'categories', i, 'items', j, 'stage'], `unknown stage "${it.stage}"; declare it in rubric.stages`);
        }
        if (it.kind === 'manual' && !it.criteria) error(['rubric', 'categories', i, 'items', j], 'manual items need "criteria"');
      });
    });
  }

  // Files and folders.
  const starter = path.resolve(dir, m.starter);
  if (!isDir(starter)) error(['starter'], `starter folder not found: ${m.starter}`);
  else if (!fs.existsSync(path.join(starter, m.brief)))
    error(['brief'], `brief not found in the starter: ${path.join(m.starter, m.brief)}`);
  const insideStarter = (rel: string) => {
    const abs = path.resolve(dir, rel);
    return abs === starter || abs.startsWith(starter + path.sep);
  };
  for (const [name, rel] of Object.entries(m.solutions)) {
    if (!isDir(path.resolve(dir, rel))) error(['solutions', name], `solution folder not found: ${rel}`);
    if (insideStarter(rel)) error(['solutions', name], 'solutions are interviewer material and must not lie inside the starter');
  }
  for (const key of ['guide', 'checks'] as const) {
    const rel = m.interviewer[key];
    if (rel === undefined) continue;
    if (!fs.existsSync(path.resolve(dir, rel))) error(['interviewer', key], `not found: ${rel}`);
    if (insideStarter(rel)) error(['interviewer', key], 'interviewer material must not lie inside the starter');
  }
  return out;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Returns one dependency cycle as a list of names (first repeated at the end), if any. */
export function findCycle(nodes: { name: string; deps: string[] }[]): string[] | undefined {
  const deps = new Map(nodes.map((n) => [n.name, n.deps]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string): string[] | undefined => {
    if (state.get(name) === 'done') return undefined;
    if (state.get(name) === 'visiting') return [...stack.slice(stack.indexOf(name)), name];
    state.set(name, 'visiting');
    stack.push(name);
    for (const d of deps.get(name) ?? []) {
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(name, 'done');
    return undefined;
  };
  for (const n of nodes) {
    const c = visit(n.name);
    if (c) return c;
  }
  return undefined;
}
