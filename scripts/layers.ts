/**
 * The import graph's rules, checked over every TypeScript file of `extension/` and `servers/`:
 *
 * - layers, bottom to top: a module imports only from its own layer or below — type imports,
 *   re-exports and `require()` included;
 * - no cycles, inside a layer either;
 * - the engine never imports `vscode`.
 *
 *   node --import tsx scripts/layers.ts        (part of `npm run lint`)
 *
 * A new file belongs to the first layer whose pattern matches it; a file no layer names is an
 * error, so the table below stays the map of the code base (CONTRIBUTING.md shows it too).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export interface Layer {
  name: string;
  /** Path prefixes relative to the repository root (a folder ends with "/"). */
  paths: string[];
}

export const LAYERS: Layer[] = [
  {
    name: 'model',
    paths: [
      'extension/engine/model/',
      'extension/engine/errors.ts',
      'extension/engine/protocol/',
      'extension/engine/manifest/schema.ts',
      'extension/engine/manifest/templates.ts',
    ],
  },
  {
    name: 'base',
    paths: [
      'extension/engine/install.ts',
      'extension/engine/files.ts',
      'extension/engine/session.ts',
      'extension/engine/timeline.ts',
      'extension/engine/logs.ts',
      'extension/engine/git.ts',
      'extension/engine/runtime.ts',
      'extension/engine/runtimePack.ts',
      'extension/engine/candidateTests.ts',
      'extension/engine/aiPolicy.ts',
      'extension/engine/process/',
    ],
  },
  { name: 'supervisor', paths: ['extension/engine/supervisor/'] },
  { name: 'chaos', paths: ['extension/engine/chaos/'] },
  {
    name: 'features',
    paths: [
      'extension/engine/rubric/',
      'extension/engine/hints.ts',
      'extension/engine/phases.ts',
      'extension/engine/diff.ts',
      'extension/engine/manifest/',
      'extension/engine/catalog.ts',
      'extension/engine/workspace.ts',
      'extension/engine/candidateInfo.ts',
      'extension/engine/autostart.ts',
      'extension/engine/portal/',
      'extension/engine/authoring/',
    ],
  },
  { name: 'interview', paths: ['extension/engine/interview/'] },
  { name: 'faces', paths: ['extension/cli/', 'extension/vscode/', 'servers/'] },
];

export interface LayerProblem {
  file: string;
  message: string;
}

/** Layer index of a repository-relative path, or -1. */
export function layerOf(rel: string, layers: readonly Layer[] = LAYERS): number {
  return layers.findIndex((l) => l.paths.some((p) => (p.endsWith('/') ? rel.startsWith(p) : rel === p)));
}

/** Relative imports of one file (imports, type imports, re-exports, require, import()). */
export function importsOf(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles.map((f) => f.fileName);
}

function resolve(fromRel: string, spec: string, exists: (rel: string) => boolean): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(fromRel), spec));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) if (exists(candidate)) return candidate;
  return undefined;
}

/**
 * Checks a set of files (repository-relative path → source text). Pure, so a test can plant a
 * cycle or an upward import and see it reported.
 */
export function checkImportGraph(files: ReadonlyMap<string, string>, layers: readonly Layer[] = LAYERS): LayerProblem[] {
  const problems: LayerProblem[] = [];
  const graph = new Map<string, string[]>();
  const engineIndex = layers.findIndex((l) => l.name === 'faces');
  for (const [file, text] of files) {
    const own = layerOf(file, layers);
    if (own < 0) {
      problems.push({ file, message: 'belongs to no layer: add it to LAYERS in scripts/layers.ts' });
      continue;
    }
    const edges: string[] = [];
    for (const spec of importsOf(text)) {
      if (spec === 'vscode' && file.startsWith('extension/engine/')) {
        problems.push({ file, message: 'the engine must not import "vscode"' });
        continue;
      }
      const target = resolve(file, spec, (rel) => files.has(rel));
      if (!target) continue;
      edges.push(target);
      const theirs = layerOf(target, layers);
      if (theirs > own) {
        problems.push({
          file,
          message: `imports ${target} (${layers[theirs]?.name ?? '?'}) from a lower layer (${layers[own]?.name ?? '?'})`,
        });
      }
      if (own < engineIndex && theirs === engineIndex)
        problems.push({ file, message: `the engine imports ${target}, which is a face or a server` });
    }
    graph.set(file, edges);
  }
  for (const cycle of findCycles(graph)) problems.push({ file: cycle[0] ?? '?', message: `import cycle: ${cycle.join(' → ')}` });
  return problems;
}

/** Every elementary cycle found by one depth-first walk (each reported once, starting at its smallest file). */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const seen = new Set<string>();
  const cycles: string[][] = [];
  const visit = (node: string) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const start = cycle.indexOf([...cycle].sort()[0] ?? '');
        const rotated = [...cycle.slice(start), ...cycle.slice(0, start)];
        const key = rotated.join('\0');
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...rotated, rotated[0] ?? '']);
        }
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

/** The exercise template (`faultline init-exercise`) is an exercise package, not engine code. */
const TEMPLATE = 'extension/engine/authoring/template';

/** The TypeScript sources the rules apply to. */
export function projectFiles(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (child !== TEMPLATE) walk(child);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.set(child, fs.readFileSync(path.join(root, child), 'utf8'));
    }
  };
  walk('extension');
  walk('servers');
  return files;
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  const problems = checkImportGraph(projectFiles(root));
  for (const p of problems) console.error(`${p.file}: ${p.message}`);
  if (problems.length > 0) {
    console.error(`\n${problems.length} layering problem(s); the layers are in scripts/layers.ts`);
    process.exit(1);
  }
  console.log(`layers: ${LAYERS.map((l) => l.name).join(' → ')}; no cycles, no upward imports`);
}
