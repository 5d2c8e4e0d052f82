/** Exercise authoring: `validate`, `init-exercise`, `test-exercise`. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadCatalog } from '../../engine/catalog';
import { FaultlineError } from '../../engine/errors';
import type { Install } from '../../engine/install';
import { testExercise, type VariantReport } from '../../engine/interview/testExercise';
import { formatProblem, validateManifestFile } from '../../engine/manifest/validate';
import { initExercise } from '../../engine/authoring/init';
import { paint, table } from '../ui';
import { type Io, args, need } from '../common';

export async function cmdInitExercise(install: Install, argv: string[], io: Io): Promise<number> {
  const usage = 'faultline init-exercise <dir> [--id ID] [--title TITLE]';
  const { values, positionals } = args(argv, { id: { type: 'string' }, title: { type: 'string' } }, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const dir = path.resolve(need(positionals[0], 'folder for the new exercise', usage));
  const created = await initExercise({
    dir,
    install,
    ...(values.id ? { id: values.id } : {}),
    ...(values.title ? { title: values.title } : {}),
  });
  io.out(`${paint.green(io.s, 'created')} exercise ${path.basename(created.dir)} (${created.files.length} files) at ${created.dir}`);
  io.out(`next: FAULTLINE_EXERCISES=${path.dirname(created.dir)} faultline validate ${created.dir}`);
  return 0;
}

export function cmdValidate(install: Install, argv: string[], io: Io): number {
  const usage = 'faultline validate [<exercise dir>...]';
  const { values, positionals } = args(argv, {}, usage);
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const dirs =
    positionals.length > 0
      ? positionals.map((p) => path.resolve(p))
      : [install.workspacesDir, ...install.extraExerciseDirs].flatMap((root) =>
          fs
            .readdirSync(root, { withFileTypes: true })
            .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, e.name, 'exercise.json')))
            .map((e) => path.join(root, e.name)),
        );
  let errors = 0;
  for (const dir of dirs) {
    const file = dir.endsWith('.json') ? dir : path.join(dir, 'exercise.json');
    const result = validateManifestFile(file);
    for (const p of result.problems) {
      if (p.severity === 'error') errors++;
      const line = formatProblem({ ...p, file: path.relative(process.cwd(), p.file) || p.file });
      io.out(p.severity === 'error' ? paint.red(io.s, line) : paint.yellow(io.s, line));
    }
    if (result.problems.length === 0) io.out(`${paint.green(io.s, 'ok')} ${path.relative(process.cwd(), file) || file}`);
  }
  if (errors === 0 && dirs.length > 0)
    io.out(
      paint.dim(io.s, "next: `faultline test-exercise <id|dir>` scores every solution and the starter against the manifest's `expect`"),
    );
  return errors > 0 ? 1 : 0;
}

/**
 * `faultline test-exercise <id|dir>`: every solution and the starter scaffolded, tested and scored;
 * one table, exit 0 only when each scores as the manifest says.
 */
export async function cmdTestExercise(install: Install, argv: string[], io: Io): Promise<number> {
  const usage = 'faultline test-exercise <exercise id | exercise dir> [--only VARIANT,…] [--no-package-tests] [--node PATH] [--json]';
  const { values, positionals } = args(
    argv,
    { only: { type: 'string' }, 'no-package-tests': { type: 'boolean' }, node: { type: 'string' }, json: { type: 'boolean' } },
    usage,
  );
  if (values.help) {
    io.out(usage);
    return 0;
  }
  const target = need(positionals[0], 'exercise id or folder', usage);
  const dir = path.resolve(target);
  // A folder: that package, whatever else is installed (an author's copy of a bundled exercise wins);
  // otherwise an id from the catalog.
  const asDir = fs.existsSync(path.join(dir, 'exercise.json'));
  const where = asDir ? { ...install, workspacesDir: path.dirname(dir), extraExerciseDirs: [] } : install;
  const catalog = loadCatalog(where);
  const exercise = asDir
    ? catalog.exercises.find((e) => path.resolve(e.dir) === dir)
    : catalog.exercises.find((e) => e.manifest.id === target);
  if (!exercise) {
    const problems = catalog.problems.filter((p) => p.file.startsWith(asDir ? dir : path.join(install.workspacesDir, target)));
    if (problems.length > 0)
      throw new FaultlineError('invalid-manifest', `${target} has an invalid manifest`, `run \`faultline validate ${asDir ? dir : ''}\``);
    catalog.get(asDir ? path.basename(dir) : target); // throws "unknown exercise" with the list
    throw new FaultlineError('unknown-exercise', `no exercise package at ${dir}`);
  }
  const m = exercise.manifest;
  const variants = values.only ? values.only.split(',').map((v) => v.trim()) : undefined;
  const known = [...Object.keys(m.solutions), 'starter'];
  const unknown = (variants ?? []).filter((v) => !known.includes(v));
  if (unknown.length > 0)
    throw new FaultlineError('usage', `unknown variant ${unknown.join(', ')}`, `variants of ${m.id}: ${known.join(', ')}`);
  const report = await testExercise({
    install: where,
    exercise,
    ...(variants ? { variants } : {}),
    packageTests: !values['no-package-tests'],
    ...((values.node ?? process.env['FAULTLINE_NODE']) ? { nodePath: values.node ?? process.env['FAULTLINE_NODE'] } : {}),
    onProgress: values.json ? undefined : (msg) => io.err(paint.dim(io.errStyle, `[faultline] ${msg}`)),
  });
  if (values.json) {
    io.out(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  }
  const expected = (v: VariantReport) =>
    v.expected.kind === 'full'
      ? `${v.expected.points} (all)`
      : v.expected.kind === 'at-most'
        ? `≤ ${v.expected.points}`
        : `${v.expected.points} (loses ${Object.entries(v.expected.loses)
            .map(([id, n]) => `${id} ${n}`)
            .join(', ')})`;
  const tests = (v: VariantReport) =>
    'error' in v.tests
      ? `not run: ${v.tests.error}`
      : `${v.tests.passed} passed, ${v.tests.failed} failed${v.tests.todo ? `, ${v.tests.todo} todo` : ''}`;
  io.out(
    table(
      [
        ['variant', 'own tests', 'automatic points', 'expected', 'verdict'],
        ...report.variants.map((v) => [
          v.variant,
          tests(v),
          `${v.points} / ${v.max}`,
          expected(v),
          v.ok ? paint.green(io.s, 'ok') : paint.red(io.s, 'NO'),
        ]),
      ],
      io.s,
    ),
  );
  for (const v of report.variants.filter((x) => !x.ok)) {
    io.out(paint.red(io.s, `\n${v.variant}:`));
    for (const p of v.problems) io.out(`  - ${p}`);
    for (const c of v.failedChecks.slice(0, 12)) io.out(paint.dim(io.s, `    check ${c.id} ${c.status}: ${c.message}`));
  }
  const pt = report.packageTests;
  if (pt) {
    io.out('');
    if (pt.skippedBecause) io.out(paint.yellow(io.s, `package tests: not run (${pt.skippedBecause})`));
    else {
      const line = `package tests: ${pt.files.length} file(s), ${pt.passed} passed, ${pt.failed} failed${pt.skipped ? `, ${pt.skipped} skipped` : ''} (${Math.round(pt.ms / 1000)} s)`;
      io.out(pt.failed > 0 ? paint.red(io.s, line) : line);
      for (const f of pt.failures) io.out(`  ✗ ${f}`);
    }
  }
  io.out(report.ok ? paint.green(io.s, `\n${m.id}: every variant scores as its manifest says`) : paint.red(io.s, `\n${m.id}: see above`));
  return report.ok ? 0 : 1;
}
