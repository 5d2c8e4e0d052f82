#!/usr/bin/env node
// Type-checks everything, strictly: Faultline itself (tsconfig.json), and every exercise package —
// its interviewer view (hidden checks and solution files: workspaces/<id>/tsconfig.json), its own
// tests (workspaces/<id>/tests/tsconfig.json), and the starter and each solution exactly as a
// candidate workspace has them (starter + the solution's overlays, with the starter's tsconfig, in
// .tmp/typecheck/). Two compilers at a time; one line per project.
//   node scripts/typecheck.mjs
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const projects = ['tsconfig.json'];
const scratch = path.join(root, '.tmp', 'typecheck');
fs.rmSync(scratch, { recursive: true, force: true });

function copyTree(src, dest) {
  fs.mkdirSync(dest, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'data') continue;
    if (e.isDirectory()) copyTree(path.join(src, e.name), path.join(dest, e.name));
    else if (e.isFile()) fs.copyFileSync(path.join(src, e.name), path.join(dest, e.name));
  }
}

/** The layers of a solution, what it extends first (as `faultline new --solution` applies them: solutionLayers). */
function layers(solutions, name) {
  const out = [];
  for (let at = name, seen = 0; at !== undefined && seen < 20; seen++) {
    const entry = solutions[at];
    out.unshift(typeof entry === 'string' ? { path: entry, remove: [] } : { path: entry.path, remove: entry.remove ?? [] });
    at = typeof entry === 'string' ? undefined : entry.extends;
  }
  return out;
}

const packages = [
  ...fs
    .readdirSync(path.join(root, 'workspaces'))
    .sort()
    .map((id) => `workspaces/${id}`),
  'extension/engine/authoring/template/inventory-api', // what `faultline init-exercise` copies
];
for (const pkg of packages) {
  const id = path.basename(pkg);
  const dir = path.join(root, pkg);
  for (const rel of [`${pkg}/tsconfig.json`, `${pkg}/tests/tsconfig.json`]) {
    if (fs.existsSync(path.join(root, rel))) projects.push(rel);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'exercise.json'), 'utf8'));
  if (!fs.existsSync(path.join(dir, manifest.starter, 'tsconfig.json'))) continue;
  for (const solution of ['starter', ...Object.keys(manifest.solutions ?? {})]) {
    const target = path.join(scratch, id, solution);
    copyTree(path.join(dir, manifest.starter), target);
    if (solution !== 'starter')
      for (const layer of layers(manifest.solutions, solution)) {
        for (const rel of layer.remove) fs.rmSync(path.join(target, rel), { force: true });
        copyTree(path.join(dir, layer.path), target);
      }
    projects.push(path.relative(root, path.join(target, 'tsconfig.json')));
  }
}

function check(project) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [tsc, '--noEmit', '-p', project], { cwd: root });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ project, code, out, ms: Date.now() - started }));
  });
}

const queue = [...projects];
const results = [];
await Promise.all(
  Array.from({ length: Math.min(2, os.availableParallelism()) }, async () => {
    for (let p = queue.shift(); p; p = queue.shift()) results.push(await check(p));
  }),
);
let failed = 0;
for (const r of results.sort((a, b) => projects.indexOf(a.project) - projects.indexOf(b.project))) {
  if (r.code !== 0) {
    failed++;
    process.stdout.write(r.out);
  }
  console.log(`${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.project} (${(r.ms / 1000).toFixed(1)} s)`);
}
process.exit(failed > 0 ? 1 : 0);
