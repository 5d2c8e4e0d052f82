/**
 * Per-test coverage of the candidate's code, the way Stryker selects tests for a mutant, built to
 * work inside the sandbox (Node's permission model turns V8 coverage and the inspector off):
 *
 * - `instrument` rewrites a TypeScript/JavaScript source in a scratch copy so each statement and
 *   each arrow-function expression body marks a counter when it runs. It only inserts text on
 *   existing lines, so line numbers stay those of the source (sucrase keeps them too).
 * - `COVERAGE_PRELOAD` runs in the candidate's test process: root `beforeEach`/`afterEach` hooks
 *   split the marks by test (marks outside any test, such as module loading, count for every test
 *   of the file); at exit it writes them to a file under the sandbox's writable data/ folder.
 * - `changedLines` and `coveringTests` decide which tests run the code a mutant changed: only
 *   those run against the mutant; a mutant no test runs survives at once.
 */
import type * as TS from 'typescript';

/** One instrumented file: for each counter, the source lines it stands for. */
export interface InstrumentedFile {
  code: string;
  points: number[][];
}

/** Global the instrumented code marks (`__flcov[file][point] = 1`). */
const GLOBAL = '__flcov';

/**
 * Inserts a counter before every statement of every statement list and around every arrow
 * function's expression body. Declarations that run nothing (functions, classes, types, imports)
 * and directive prologues ("use strict") are left alone. Returns null when the source does not parse.
 */
export function instrument(ts: typeof TS, source: string, fileName: string, fileId: number): InstrumentedFile | null {
  const kind = /\.(c|m)?tsx?$/.test(fileName) ? (fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS) : ts.ScriptKind.JS;
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, kind);
  if ((sf as unknown as { parseDiagnostics?: unknown[] }).parseDiagnostics?.length) return null;
  const inserts: { at: number; text: string; order: number }[] = [];
  const points: number[][] = [];
  const line = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const mark = (id: number) => `${GLOBAL}[${fileId}][${id}]=1;`;

  /** The lines a node stands for: its own, not those inside the bodies of functions nested in it. */
  const ownLines = (node: TS.Node): number[] => {
    const first = line(node.getStart(sf));
    const last = line(node.getEnd());
    const skip = new Set<number>();
    const visit = (n: TS.Node) => {
      if (ts.isFunctionLike(n) && 'body' in n && n.body) {
        const body = n.body as TS.Node;
        const a = line(body.getStart(sf));
        const b = line(body.getEnd());
        for (let l = a + 1; l < b; l++) skip.add(l);
        return;
      }
      ts.forEachChild(n, visit);
    };
    ts.forEachChild(node, visit);
    const lines: number[] = [];
    for (let l = first; l <= last; l++) if (!skip.has(l)) lines.push(l);
    return lines;
  };

  const runsNothing = (s: TS.Statement) =>
    ts.isFunctionDeclaration(s) ||
    ts.isClassDeclaration(s) ||
    ts.isInterfaceDeclaration(s) ||
    ts.isTypeAliasDeclaration(s) ||
    ts.isModuleDeclaration(s) ||
    ts.isImportDeclaration(s) ||
    ts.isImportEqualsDeclaration(s) ||
    ts.isExportDeclaration(s) ||
    ts.isEmptyStatement(s) ||
    ts.isEnumDeclaration(s) ||
    (ts.canHaveModifiers(s) && (ts.getModifiers(s) ?? []).some((m) => m.kind === ts.SyntaxKind.DeclareKeyword));

  const isSuperCall = (s: TS.Statement) =>
    ts.isExpressionStatement(s) && ts.isCallExpression(s.expression) && s.expression.expression.kind === ts.SyntaxKind.SuperKeyword;

  const statements = (list: readonly TS.Statement[]) => {
    let prologue = true;
    for (const s of list) {
      if (prologue && ts.isExpressionStatement(s) && ts.isStringLiteral(s.expression)) continue;
      prologue = false;
      if (runsNothing(s) || isSuperCall(s)) continue;
      const id = points.push(ownLines(s)) - 1;
      inserts.push({ at: s.getStart(sf), text: mark(id), order: 0 });
    }
  };

  const visit = (node: TS.Node) => {
    if (ts.isSourceFile(node) || ts.isBlock(node) || ts.isModuleBlock(node)) statements(node.statements);
    else if (ts.isCaseClause(node) || ts.isDefaultClause(node)) statements(node.statements);
    else if (ts.isArrowFunction(node) && !ts.isBlock(node.body)) {
      const id = points.push(ownLines(node.body)) - 1;
      inserts.push({ at: node.body.getStart(sf), text: `(${GLOBAL}[${fileId}][${id}]=1,`, order: 1 });
      inserts.push({ at: node.body.getEnd(), text: ')', order: -1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);

  // Apply from the end; at one position, closing parentheses first, then marks, then openings.
  inserts.sort((a, b) => b.at - a.at || b.order - a.order);
  let code = source;
  for (const i of inserts) code = code.slice(0, i.at) + i.text + code.slice(i.at);
  return { code, points };
}

/**
 * The code that runs in each test process of a coverage run (required before the test file):
 * `FAULTLINE_COVERAGE` names the JSON with the point counts per file, `FAULTLINE_COVERAGE_OUT`
 * the file to write `{ outside, tests }` to (point ids per file id, by test full name).
 */
export const COVERAGE_PRELOAD = `'use strict';
const fs = require('node:fs');
const { beforeEach, afterEach } = require('node:test');
const counts = JSON.parse(fs.readFileSync(process.env.FAULTLINE_COVERAGE, 'utf8'));
const hits = counts.map((n) => new Uint8Array(n));
globalThis.${GLOBAL} = hits;
const take = () => {
  const out = {};
  hits.forEach((h, f) => {
    const ids = [];
    for (let i = 0; i < h.length; i++) if (h[i]) ids.push(i);
    if (ids.length) out[f] = ids;
    h.fill(0);
  });
  return out;
};
const merge = (into, from) => {
  for (const [f, ids] of Object.entries(from)) into[f] = [...new Set([...(into[f] || []), ...ids])];
};
const outside = {};
const tests = {};
beforeEach(() => merge(outside, take()));
afterEach((t) => {
  const name = t.fullName || t.name;
  tests[name] = tests[name] || {};
  merge(tests[name], take());
});
process.on('exit', () => {
  merge(outside, take());
  fs.writeFileSync(process.env.FAULTLINE_COVERAGE_OUT, JSON.stringify({ outside, tests }));
});
`;

/** What one test process of a coverage run recorded (file ids → point ids). */
export interface ProcessCoverage {
  outside: Record<string, number[]>;
  tests: Record<string, Record<string, number[]>>;
}

/** The coverage of a whole run: per test file, which source lines each of its tests ran. */
export interface RunCoverage {
  /** The test files that ran (workspace-relative). */
  files: string[];
  /** Workspace-relative source files that were instrumented. */
  instrumented: string[];
  /** Per test file (workspace-relative): each test's full name → file → lines it ran. */
  tests: Record<string, Record<string, Record<string, number[]>>>;
}

/** Turns the point ids a process recorded into lines per source file, outside marks counted for every test. */
export function linesByTest(
  recorded: ProcessCoverage,
  files: { rel: string; points: number[][] }[],
): Record<string, Record<string, number[]>> {
  const toLines = (byFile: Record<string, number[]>, into: Map<string, Set<number>>) => {
    for (const [f, ids] of Object.entries(byFile)) {
      const file = files[Number(f)];
      if (!file) continue;
      const set = into.get(file.rel) ?? new Set<number>();
      for (const id of ids) for (const l of file.points[id] ?? []) set.add(l);
      into.set(file.rel, set);
    }
  };
  const out: Record<string, Record<string, number[]>> = {};
  for (const [name, byFile] of Object.entries(recorded.tests)) {
    const lines = new Map<string, Set<number>>();
    toLines(recorded.outside, lines);
    toLines(byFile, lines);
    out[name] = Object.fromEntries([...lines].map(([rel, set]) => [rel, [...set].sort((a, b) => a - b)]));
  }
  return out;
}

/**
 * The lines of `before` a change touches: from the first line that differs to the last one, by
 * common prefix and suffix. A pure insertion touches the line it is inserted at (and the one
 * before it). Null when nothing changed.
 */
export function changedLines(before: string, after: string): { first: number; last: number } | null {
  if (before === after) return null;
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const first = head + 1;
  const last = a.length - tail;
  if (last < first) return { first: Math.max(1, first - 1), last: first };
  return { first, last };
}

export interface Selection {
  /** Test file → full names of the tests to run (null: the whole file). */
  files: Record<string, string[] | null>;
  /** Why nothing runs, when nothing does. */
  uncovered?: string;
}

/**
 * The tests a change must be tried against: the tests whose coverage touches a changed line of an
 * instrumented file; every test of a file that loaded a changed file that was not instrumented;
 * every test of a test file the change touches or that the coverage run did not see.
 */
export function coveringTests(
  coverage: RunCoverage,
  requested: string[],
  changes: Record<string, { first: number; last: number }>,
): Selection {
  const files: Record<string, string[] | null> = {};
  const instrumented = new Set(coverage.instrumented);
  for (const testFile of requested) {
    const tests = coverage.tests[testFile];
    if (!tests || changes[testFile]) {
      files[testFile] = null;
      continue;
    }
    const names = Object.entries(tests)
      .filter(([, byFile]) =>
        Object.entries(changes).some(([rel, range]) => {
          if (!instrumented.has(rel)) return false;
          return (byFile[rel] ?? []).some((l) => l >= range.first && l <= range.last);
        }),
      )
      .map(([name]) => name);
    // A changed file the coverage run could not instrument: every test of this file may run it.
    const opaque = Object.keys(changes).some((rel) => !instrumented.has(rel) && !requested.includes(rel));
    if (opaque) files[testFile] = null;
    else if (names.length > 0) files[testFile] = names;
  }
  if (Object.keys(files).length > 0) return { files };
  const where = Object.entries(changes)
    .map(([rel, r]) => `${rel}:${r.first}${r.last !== r.first ? `–${r.last}` : ''}`)
    .join(', ');
  return { files, uncovered: `no test of the candidate runs the changed code (${where}), so the mutant survives without a run` };
}

/** A --test-name-pattern that matches exactly one test by its full name (`a > b > c`, matched as `a b c`). */
export function namePattern(fullName: string): string {
  const escaped = fullName.split(' > ').map((part) => part.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  return `^${escaped.join('(?: | > )')}$`;
}
