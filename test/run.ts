/**
 * Test runner: every `test/**\/*.test.ts` file through node:test (one process per file), the spec
 * reporter while it runs, and one closing line: `faultline tests: N passed, M failed …`.
 *
 *   npm test                      everything
 *   npm test -- unit              only files whose path contains "unit"
 *   npm test -- supervisor cli    several filters
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

const root = path.resolve(__dirname);
const filters = process.argv.slice(2);

function collect(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : collect(p);
    return e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const files = collect(root)
  .filter((f) => filters.length === 0 || filters.some((x) => path.relative(root, f).includes(x)))
  .sort();
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
