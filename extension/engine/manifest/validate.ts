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
import { Exercise, solutionLayers } from './schema';
import { FaultlineError } from '../errors';
import { FAULT_TYPES, checkFault, faultType } from '../chaos/faults';
import { parseTemplate } from './templates';
import { scanCheckIds } from './checkIds';

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
  /** What kind of problem, for editors (quick fixes); absent for problems without an obvious fix. */
  code?: ProblemCode;
  data?: ProblemData;
}

export type ProblemCode =
  | 'unknown-property'
  | 'id-not-folder'
  | 'unknown-service'
  | 'unknown-chaos-mode'
  | 'unknown-phase'
  | 'unknown-stage'
  | 'unknown-solution'
  | 'unknown-check'
  | 'unknown-fault-type'
  | 'duplicate-id'
  | 'duplicate-check'
  | 'unused-check'
  | 'rubric-total'
  | 'category-points';

export interface ProblemData {
  /** The names that would be valid here (unknown-… problems). */
  known?: string[];
  /** The value that would be right here (id-not-folder, rubric-total, category-points). */
  expected?: string | number;
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
export function validateManifestText(file: string, original: string, exerciseDir: string): ValidationResult {
  // A byte order mark (editors on Windows add one) is whitespace here: same offsets, valid JSON.
  const text = original.startsWith('\uFEFF') ? ` ${original.slice(1)}` : original;
  const locator = new Locator(file, text);
  const deep = tooDeep(text);
  if (deep !== undefined)
    return { problems: [locator.at([], deep, 1, `nesting deeper than ${MAX_DEPTH} levels: a manifest is never this deep`)] };
  try {
    return validateTree(text, exerciseDir, locator);
  } catch (err) {
    // Whatever the input, a broken manifest is reported with its file, and the others load.
    return { problems: [locator.at([], 0, 0, `cannot validate: ${err instanceof Error ? err.message : String(err)}`)] };
  }
}

const MAX_DEPTH = 64;

/** Offset of the first bracket that nests deeper than MAX_DEPTH (strings skipped), if any. */
function tooDeep(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92 /* \\ */) i++;
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return undefined;
}

function validateTree(text: string, exerciseDir: string, locator: Locator): ValidationResult {
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
  const problems = schemaProblems(data).map(({ path: p, message, key }) =>
    locator.problem(p, message, 'error', key, key ? { code: 'unknown-property' } : {}),
  );
  if (problems.length > 0) return { problems };
  const manifest = data as Exercise;
  const semantic = semanticProblems(manifest, exerciseDir).map((p) =>
    locator.problem(p.path, p.message, p.severity, false, { ...(p.code ? { code: p.code } : {}), ...(p.data ? { data: p.data } : {}) }),
  );
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

  at(
    p: Segment[],
    offset: number,
    length: number,
    message: string,
    severity: 'error' | 'warning' = 'error',
    extra: Pick<ManifestProblem, 'code' | 'data'> = {},
  ): ManifestProblem {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((this.lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    const column = offset - (this.lineStarts[lo] ?? 0) + 1;
    return { file: this.file, path: p, line: lo + 1, column, offset, length, severity, message, ...extra };
  }

  /**
   * Locate the deepest existing node on `p` (a missing property points at its parent object).
   * With `key`, point at the property's name instead of its value (e.g. an unknown property).
   */
  problem(
    p: Segment[],
    message: string,
    severity: 'error' | 'warning' = 'error',
    key = false,
    extra: Pick<ManifestProblem, 'code' | 'data'> = {},
  ): ManifestProblem {
    if (!this.root) return this.at(p, 0, 0, message, severity, extra);
    for (let n = p.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.root, p.slice(0, n));
      if (!node) continue;
      const name = key && n === p.length && node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      const target = name ?? node;
      return this.at(p, target.offset, target.length, message, severity, extra);
    }
    return this.at(p, 0, 0, message, severity, extra);
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
  code?: ProblemCode;
  data?: ProblemData;
}

/** Round away floating-point noise (0.1 + 0.2) in point sums. */
function points(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

function semanticProblems(m: Exercise, dir: string): Semantic[] {
  const out: Semantic[] = [];
  const error = (p: Segment[], message: string, code?: ProblemCode, data?: ProblemData) =>
    out.push({ path: p, message, severity: 'error', ...(code ? { code } : {}), ...(data ? { data } : {}) });
  const warning = (p: Segment[], message: string, code?: ProblemCode, data?: ProblemData) =>
    out.push({ path: p, message, severity: 'warning', ...(code ? { code } : {}), ...(data ? { data } : {}) });

  const folder = path.basename(dir);
  if (m.id !== folder) error(['id'], `exercise id "${m.id}" must equal its folder name "${folder}"`, 'id-not-folder', { expected: folder });

  const inList = (items: readonly { id?: string; name?: string }[], key: 'id' | 'name', where: string) =>
    duplicates(
      items.map((item) => item[key]),
      (i) => [where, i, key],
      key,
      (i) => `first used at ${where}[${i}]`,
      error,
    );
  inList(m.services, 'name', 'services');
  inList(m.phases, 'id', 'phases');
  inList(m.chaos, 'id', 'chaos');
  inList(m.hints, 'id', 'hints');

  // With duplicates, the first definition counts (the later ones are reported above).
  const services = new Map<string, Exercise['services'][number]>();
  for (const s of m.services) if (!services.has(s.name)) services.set(s.name, s);
  const serviceNames = [...services.keys()];
  const chaosIds = [...new Set(m.chaos.map((c) => c.id))];
  const phaseIds = [...new Set(m.phases.map((p) => p.id))];
  const unknownService = (at: Segment[], name: string, message = `unknown service "${name}"`) =>
    error(at, message, 'unknown-service', { known: serviceNames });

  m.services.forEach((s, i) => {
    if (RESERVED.includes(s.name))
      error(['services', i, 'name'], `"${s.name}" is reserved for Faultline's own processes; choose another name`);
    (s.dependsOn ?? []).forEach((d, j) => {
      if (d === s.name) error(['services', i, 'dependsOn', j], `service "${s.name}" cannot depend on itself`);
      else if (!services.has(d))
        unknownService(['services', i, 'dependsOn', j], d, `unknown service "${d}"; known: ${serviceNames.join(', ')}`);
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
      const starterDir = path.resolve(dir, m.starter);
      const entry = path.resolve(starterDir, s.cwd ?? '.', s.entry);
      if (!entry.startsWith(starterDir + path.sep))
        error(['services', i, 'entry'], `entry must be a file of the starter (the candidate's code), not ${s.entry}`);
      else if (!fs.existsSync(entry)) error(['services', i, 'entry'], `entry file not found in the starter: ${path.relative(dir, entry)}`);
      // Candidate code is sandboxed: it writes only data/ (or what the manifest widens) and never sees the session folder.
      const writable = ['data', ...(s.sandbox?.write ?? [])].map((w) => path.posix.normalize(w).replace(/\/+$/, ''));
      const db = s.database?.path;
      if (db !== undefined && !writable.some((w) => path.posix.normalize(db).startsWith(`${w}/`)))
        error(['services', i, 'database', 'path'], `the database must be under "data/" (candidate code may write only there), not ${db}`);
      for (const [name, value] of Object.entries(s.env ?? {})) {
        if (value.includes('${session}'))
          error(['services', i, 'env', name], '${session} names the session folder, which candidate code must never see');
      }
    } else if (s.sandbox !== undefined) {
      warning(['services', i, 'sandbox'], 'bundled services are Faultline\'s own code and are not sandboxed: "sandbox" has no effect');
    }
  });

  const cycle = findCycle([...services.values()].map((s) => ({ name: s.name, deps: (s.dependsOn ?? []).filter((d) => services.has(d)) })));
  if (cycle) {
    const i = m.services.findIndex((s) => s.name === cycle[0]);
    error(['services', i, 'dependsOn'], `dependency cycle: ${cycle.join(' → ')}`);
  }

  const unknownChaos = (at: Segment[], id: string) => error(at, `unknown chaos mode "${id}"`, 'unknown-chaos-mode', { known: chaosIds });
  m.phases.forEach((p, i) =>
    (p.chaos ?? []).forEach((c, j) => {
      if (!chaosIds.includes(c)) unknownChaos(['phases', i, 'chaos', j], c);
    }),
  );
  m.hints.forEach((h, i) => {
    if (h.phase !== undefined && !phaseIds.includes(h.phase))
      error(['hints', i, 'phase'], `unknown phase "${h.phase}"`, 'unknown-phase', { known: phaseIds });
    if (h.chaos !== undefined && !chaosIds.includes(h.chaos)) unknownChaos(['hints', i, 'chaos'], h.chaos);
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
      const at: Segment[] = ['chaos', i, 'faults', j];
      if (f.target !== undefined && !services.has(f.target)) {
        unknownService([...at, 'target'], f.target);
        return;
      }
      const type = faultType(f.type);
      for (const p of checkFault(f, serviceNames)) {
        if (p.code === 'unknown-fault-type') error([...at, ...p.path], p.message, p.code, { known: FAULT_TYPES.map((t) => t.type) });
        else if (p.code === 'unknown-service') unknownService([...at, ...p.path], p.ref ?? '');
        else error([...at, ...p.path], p.message);
      }
      if (type?.needs?.database && f.target !== undefined && !services.get(f.target)?.database) {
        error([...at, 'target'], `fault "${f.type}" changes a database, but service "${f.target}" declares no "database"`);
      }
      const server = type?.needs?.server;
      if (server && f.target !== undefined) {
        const s = services.get(f.target);
        if (s && (s.role !== 'bundled' || s.entry !== server))
          error(
            [...at, 'target'],
            `fault "${f.type}" acts on the bundled ${server} server, but service "${f.target}" is not one (its entry is "${s.entry}")`,
          );
      }
    }),
  );
  if (m.scenarioEndpoints && !services.has(m.scenarioEndpoints.service)) {
    unknownService(['scenarioEndpoints', 'service'], m.scenarioEndpoints.service);
  }

  if (m.rubric) rubricProblems(m.rubric, error);
  expectProblems(m, error, warning);
  checkProblems(m, dir, error, warning);

  // Files and folders.
  const starter = path.resolve(dir, m.starter);
  if (!isDir(starter)) error(['starter'], `starter folder not found: ${m.starter}`);
  else if (!fs.existsSync(path.join(starter, m.brief)))
    error(['brief'], `brief not found in the starter: ${path.join(m.starter, m.brief)}`);
  const insideStarter = (rel: string) => {
    const abs = path.resolve(dir, rel);
    return abs === starter || abs.startsWith(starter + path.sep);
  };
  for (const [name, entry] of Object.entries(m.solutions)) {
    const rel = typeof entry === 'string' ? entry : entry.path;
    const at = typeof entry === 'string' ? ['solutions', name] : ['solutions', name, 'path'];
    if (!isDir(path.resolve(dir, rel))) error(at, `solution folder not found: ${rel}`);
    if (insideStarter(rel)) error(at, 'solutions are interviewer material and must not lie inside the starter');
    if (typeof entry !== 'string') {
      const others = Object.keys(m.solutions).filter((n) => n !== name);
      if (entry.extends === name) {
        error(['solutions', name, 'extends'], `solution "${name}" extends itself: a cycle (${name} → ${name})`);
        continue;
      }
      if (!others.includes(entry.extends)) {
        error(['solutions', name, 'extends'], `solution "${name}" extends an unknown solution "${entry.extends}"`, 'unknown-solution', {
          known: others,
        });
        continue;
      }
      try {
        const layers = solutionLayers(m, name);
        // A removed file must be one that the starter or a solution it extends brings, and not one
        // this solution's own folder brings back.
        const own = layers[layers.length - 1];
        const before = [m.starter, ...layers.slice(0, -1).map((l) => l.path)];
        (entry.remove ?? []).forEach((file, i) => {
          const where = ['solutions', name, 'remove', i];
          if (own && fs.existsSync(path.resolve(dir, own.path, file)))
            error(where, `solution "${name}" removes ${file} but its own folder ${own.path} has it`);
          else if (!before.some((folder) => isFile(path.resolve(dir, folder, file))))
            error(where, `solution "${name}" removes ${file}, which neither the starter nor the solutions it extends have`);
        });
      } catch (err) {
        // Cycles only: an unknown base further down is reported where it is named.
        if (err instanceof FaultlineError && err.code === 'invalid-manifest') error(['solutions', name, 'extends'], err.message);
      }
    }
  }
  for (const key of ['guide', 'checks'] as const) {
    const rel = m.interviewer[key];
    if (rel === undefined) continue;
    if (!fs.existsSync(path.resolve(dir, rel))) error(['interviewer', key], `not found: ${rel}`);
    if (insideStarter(rel)) error(['interviewer', key], 'interviewer material must not lie inside the starter');
  }
  return out;
}

type Report = (p: Segment[], message: string, code?: ProblemCode, data?: ProblemData) => void;

/**
 * The one uniqueness rule (services, phases, chaos modes, hint ladders, rubric stages, categories
 * and items): every repeat is reported at its place, naming the first.
 */
function duplicates(
  values: readonly (string | undefined)[],
  at: (i: number) => Segment[],
  what: string,
  first: (i: number) => string,
  error: Report,
): void {
  const seen = new Map<string, number>();
  values.forEach((v, i) => {
    if (v === undefined) return;
    const prev = seen.get(v);
    if (prev !== undefined) error(at(i), `duplicate ${what} "${v}" (${first(prev)})`, 'duplicate-id');
    else seen.set(v, i);
  });
}

function where(c: { file: string; line: number }, dir: string): string {
  return `${path.relative(dir, c.file).split(path.sep).join('/')}:${c.line}`;
}

/** Rubric arithmetic, unique ids, stages and item kinds. */
function rubricProblems(r: NonNullable<Exercise['rubric']>, error: Report): void {
  const sum = points(r.categories.reduce((acc, c) => acc + c.points, 0));
  if (Math.abs(sum - r.total) > 1e-9)
    error(['rubric', 'total'], `total is ${r.total} but the categories add up to ${sum}`, 'rubric-total', { expected: sum });

  const stages = r.stages ?? [];
  duplicates(
    stages.map((s) => s.id),
    (i) => ['rubric', 'stages', i, 'id'],
    'stage id',
    (i) => `first used at rubric.stages[${i}]`,
    error,
  );
  duplicates(
    r.categories.map((c) => c.id),
    (i) => ['rubric', 'categories', i, 'id'],
    'category id',
    (i) => `first used at rubric.categories[${i}]`,
    error,
  );
  const items = r.categories.flatMap((c, i) => c.items.map((it, j) => ({ it, i, j, category: c.id })));
  duplicates(
    items.map((x) => x.it.id),
    (k) => ['rubric', 'categories', items[k]?.i ?? 0, 'items', items[k]?.j ?? 0, 'id'],
    'rubric item id',
    (k) => `also in category "${items[k]?.category ?? ''}"`,
    error,
  );

  r.categories.forEach((c, i) => {
    const itemSum = points(c.items.reduce((acc, it) => acc + it.points, 0));
    if (c.items.length > 0 && Math.abs(itemSum - c.points) > 1e-9)
      error(
        ['rubric', 'categories', i, 'points'],
        `category "${c.id}" has ${c.points} points but its items add up to ${itemSum}`,
        'category-points',
        { expected: itemSum },
      );
    c.items.forEach((it, j) => {
      const at: Segment[] = ['rubric', 'categories', i, 'items', j];
      if (it.kind === 'auto' && !it.check && !it.checks) error(at, 'automatic items need a "check" or "checks"');
      if (it.check && it.checks) error([...at, 'checks'], 'use either "check" or "checks", not both');
      if (it.stage !== undefined && !stages.some((st) => st.id === it.stage)) {
        error([...at, 'stage'], `unknown stage "${it.stage}"; declare it in rubric.stages`, 'unknown-stage', {
          known: stages.map((st) => st.id),
        });
      }
      if (it.kind === 'manual' && !it.criteria) error(at, 'manual items need "criteria"');
    });
  });
}

/** `expect`: variants that exist, automatic items that exist, no more points lost than an item has. */
function expectProblems(m: Exercise, error: Report, warning: Report): void {
  const variants = ['starter', ...Object.keys(m.solutions)];
  const auto = new Map((m.rubric?.categories ?? []).flatMap((c) => c.items.filter((i) => i.kind === 'auto').map((i) => [i.id, i.points])));
  for (const [name, e] of Object.entries(m.expect ?? {})) {
    if (!variants.includes(name)) {
      error(
        ['expect', name],
        `unknown variant "${name}": "starter" or a solution (${Object.keys(m.solutions).join(', ') || 'none'})`,
        'unknown-solution',
        {
          known: variants,
        },
      );
      continue;
    }
    if (name === 'reference' && Object.keys(e.loses ?? {}).length > 0)
      warning(['expect', name, 'loses'], 'the reference solution should earn every automatic point');
    for (const [item, points] of Object.entries(e.loses ?? {})) {
      const max = auto.get(item);
      if (max === undefined)
        error(['expect', name, 'loses', item], `no automatic rubric item "${item}"`, 'unknown-check', { known: [...auto.keys()] });
      else if (points > max) error(['expect', name, 'loses', item], `"${item}" is worth ${max} point(s); it cannot lose ${points}`);
    }
  }
}

/** Every check a rubric item names, with where it is named. */
function checkRefs(m: Exercise): { at: Segment[]; id: string }[] {
  return (m.rubric?.categories ?? []).flatMap((c, i) =>
    c.items.flatMap((it, j) => {
      const at: Segment[] = ['rubric', 'categories', i, 'items', j];
      return [
        ...(it.check !== undefined ? [{ at: [...at, 'check'], id: it.check }] : []),
        ...(it.checks ?? []).map((ref, k) => ({ at: [...at, 'checks', k, 'check'], id: ref.check })),
      ];
    }),
  );
}

/**
 * Hidden checks: rubric items name checks declared in the interviewer.checks folder (found
 * statically, see checkIds.ts), ids are unique across the check files, and every check is used.
 */
function checkProblems(m: Exercise, dir: string, error: Report, warning: Report): void {
  const refs = checkRefs(m);
  const folder = m.interviewer.checks;
  if (folder === undefined) {
    for (const { at, id } of refs)
      error(at, `unknown check "${id}": the exercise declares no interviewer.checks folder`, 'unknown-check', { known: [] });
    return;
  }
  const abs = path.resolve(dir, folder);
  if (!fs.existsSync(abs)) return; // reported with the other files
  const scan = scanCheckIds(abs);
  const declared = [...new Set(scan.checks.map((c) => c.id))];
  for (const { check, first } of scan.duplicates)
    error(
      ['interviewer', 'checks'],
      `duplicate check id "${check.id}": declared in ${where(first, dir)} and ${where(check, dir)}`,
      'duplicate-check',
    );
  for (const { at, id } of refs)
    if (!declared.includes(id))
      error(at, `unknown check "${id}"; declared in ${folder}: ${declared.join(', ') || '(none)'}`, 'unknown-check', { known: declared });
  const used = new Set(refs.map((r) => r.id));
  for (const id of declared) {
    const c = scan.checks.find((x) => x.id === id);
    if (!used.has(id) && c)
      warning(['interviewer', 'checks'], `check "${id}" (${where(c, dir)}) is not used by any rubric item`, 'unused-check');
  }
}

function isDir(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isFile(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
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
