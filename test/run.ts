/**
 * Test runner: every `test/**\/*.test.ts` file and every exercise package's own tests
 * (`workspaces/<id>/tests/**\/*.test.ts`, and those of packages under FAULTLINE_EXERCISES)
 * through node:test (one process per file), the spec reporter while it runs, and one closing
 * line: `faultline tests: N passed, M failed …`.
 *
 *   npm test                      everything
 *   npm test -- unit              only files whose path contains "unit"
 *   npm test -- supervisor cli    several filters
 *   npm test -- workspaces/ledger one exercise package
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { browserSkipReason } from './helpers/testing';

/** Under CI a test skipped for want of a browser is a failure: the suite must not pass without its browser tests. */
const strictBrowser = process.env['CI'] === 'true' && browserSkipReason !== undefined;

const repo = path.resolve(__dirname, '..');
const filters = process.argv.slice(2);

function collect(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' || e.name === 'node_modules' ? [] : collect(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

/** `<root>/<id>/tests/` of every exercise package in an exercises folder. */
function packageTests(exercisesDir: string): string[] {
  if (!fs.existsSync(exercisesDir)) return [];
  return fs
    .readdirSync(exercisesDir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => collect(path.join(exercisesDir, e.name, 'tests')));
}

const extra = (process.env['FAULTLINE_EXERCISES'] ?? '').split(path.delimiter).filter((p) => p.trim() !== '');
const all = [
  collect(path.join(repo, 'test')),
  packageTests(path.join(repo, 'workspaces')),
  ...extra.map((d) => packageTests(path.resolve(d))),
].flat();
const files = all.filter((f) => filters.length === 0 || filters.some((x) => path.relative(repo, f).includes(x) || f.includes(x))).sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(' ')}`);
  process.exit(1);
}

const started = performance.now();
let passed = 0;
let failed = 0;
let skipped = 0;
let todo = 0;
const failures: string[] = [];

const stream = run({ files, concurrency: Math.max(2, os.availableParallelism()), timeout: 10 * 60_000 });
stream.on('test:pass', (e) => {
  if (strictBrowser && e.skip === browserSkipReason) {
    failed++;
    failures.push(`${path.relative(process.cwd(), e.file ?? '?')}: ${e.name} (skipped under CI: ${browserSkipReason})`);
    return;
  }
  if (e.details.type === 'suite') return;
  if (e.skip) skipped++;
  else if (e.todo) todo++;
  else passed++;
});
stream.on('test:fail', (e) => {
  if (e.details.type === 'suite') return;
  if (e.todo) {
    todo++;
    return;
  }
  failed++;
  failures.push(`${path.relative(process.cwd(), e.file ?? '?')}: ${e.name}`);
});
const report = stream.compose(spec);
report.pipe(process.stdout);
report.on('end', () => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (failures.length > 0) {
    process.stdout.write('\nfailed:\n' + failures.map((f) => `  ✗ ${f}`).join('\n') + '\n');
  }
  const extra = [skipped ? `${skipped} skipped` : '', todo ? `${todo} todo` : ''].filter(Boolean).join(', ');
  process.stdout.write(
    `\nfaultline tests: ${passed} passed, ${failed} failed${extra ? `, ${extra}` : ''} (${files.length} files, ${seconds} s)\n`,
  );
  process.exitCode = failed > 0 ? 1 : 0;
});
