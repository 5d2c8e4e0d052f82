/**
 * Exercise authoring: the `initExercise` skeleton (valid, type-checked, runnable through the real
 * CLI), static hidden-check ids and the validation rules built on them, "did you mean"
 * suggestions, and the generated manifest reference.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { FAULT_TYPES } from '../../extension/engine/chaos/faults';
import { FaultlineError } from '../../extension/engine/errors';
import { initExercise } from '../../extension/engine/authoring/init';
import { MANIFEST_REFERENCE_FILE, manifestReferenceMarkdown } from '../../extension/engine/authoring/reference';
import { closest } from '../../extension/engine/authoring/suggest';
import { findCheckIds, scanCheckIds } from '../../extension/engine/manifest/checkIds';
import { formatJsonPath, formatProblem, validateManifestFile, validateManifestText } from '../../extension/engine/manifest/validate';
import { cliEnv, repoRoot, runCli, startUp, tempDir } from '../helpers';

const run = promisify(execFile);

async function skeleton(t: { after(fn: () => unknown): void }, id = 'demo-exercise') {
  const root = tempDir(t, 'faultline-authoring-');
  const dir = path.join(root, id);
  const result = await initExercise({ dir, install: { root: repoRoot } });
  return { root, dir, result, file: path.join(dir, 'exercise.json') };
}

function problems(file: string, change: (m: Record<string, unknown>) => void) {
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(m);
  return validateManifestText(file, JSON.stringify(m, null, 2), path.dirname(file)).problems;
}

type Rubric = { categories: { id: string; items: Record<string, unknown>[] }[]; stages?: { id: string; title: string }[] };

describe('initExercise', () => {
  it('writes a minimal exercise that validates clean and whose checks type-check against the check API', async (t) => {
    const { dir, result, file } = await skeleton(t);
    assert.equal(result.dir, dir);
    assert.deepEqual(result.files, [
      'exercise.json',
      'interviewer/GUIDE.md',
      'interviewer/checks/basic.check.ts',
      'solutions/reference/src/app.ts',
      'solutions/reference/test/not-found.test.ts',
      'starter/README.md',
      'starter/package.json',
      'starter/src/app.ts',
      'starter/src/server.ts',
      'starter/test/app.test.ts',
      'starter/tsconfig.json',
      'tests/api.test.ts',
      'tests/tsconfig.json',
      'tsconfig.json',
    ]);
    const guide = fs.readFileSync(path.join(repoRoot, 'docs', 'authoring.md'), 'utf8');
    for (const f of result.files) assert.ok(guide.includes(`| \`${f}\` |`), `docs/authoring.md describes ${f}`);
    const validation = validateManifestFile(file);
    assert.deepEqual(validation.problems.map(formatProblem), [], 'no errors and no warnings');
    const m = validation.manifest;
    assert.ok(m);
    assert.equal(m.id, 'demo-exercise');
    assert.equal(m.title, 'Demo exercise');
    assert.deepEqual(
      m.chaos[0]?.faults.map((f) => f.type),
      ['latency', 'http_error'],
    );
    assert.deepEqual(
      m.hints[0]?.ladder.map((s) => s.level),
      ['mild', 'medium', 'strong'],
    );
    assert.deepEqual(
      scanCheckIds(path.join(dir, 'interviewer', 'checks')).checks.map((c) => c.id),
      ['item-not-found'],
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'starter', 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    const ours = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    for (const name of [...Object.keys(pkg['dependencies'] ?? {}), ...Object.keys(pkg['devDependencies'] ?? {})]) {
      assert.ok(fs.existsSync(path.join(repoRoot, 'node_modules', name, 'package.json')), `${name} is in Faultline's node_modules`);
      assert.equal(
        pkg['dependencies']?.[name] ?? pkg['devDependencies']?.[name],
        ours['dependencies']?.[name] ?? ours['devDependencies']?.[name],
      );
    }
    // `import type { DeclareChecks } from 'faultline/checks'` resolves through the generated tsconfig.
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')]);
    fs.appendFileSync(
      path.join(dir, 'interviewer', 'checks', 'basic.check.ts'),
      '\nexport const typo: import("faultline/checks").CheckKind = "nope";\n',
    );
    const failed = await run(process.execPath, [tsc, '-p', path.join(dir, 'tsconfig.json')]).then(
      () => '',
      (err: { stdout?: string }) => err.stdout ?? 'failed without output',
    );
    assert.match(failed, /Type '"nope"' is not assignable to type '.*"functional".*'/);
  });

  it('refuses an occupied folder and an id that is not the folder name, writing nothing', async (t) => {
    const root = tempDir(t, 'faultline-authoring-');
    const occupied = path.join(root, 'occupied');
    fs.mkdirSync(occupied);
    fs.writeFileSync(path.join(occupied, 'notes.txt'), 'mine');
    await assert.rejects(
      initExercise({ dir: occupied, install: { root: repoRoot } }),
      (e: unknown) => e instanceof FaultlineError && e.code === 'directory-occupied' && /not empty/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(occupied), ['notes.txt']);
    await assert.rejects(
      initExercise({ dir: path.join(root, 'folder'), id: 'other', install: { root: repoRoot } }),
      (e: unknown) => e instanceof FaultlineError && e.code === 'usage' && /must equal its folder name "folder"/.test(e.message),
    );
    await assert.rejects(
      initExercise({ dir: path.join(root, 'Bad Name'), install: { root: repoRoot } }),
      (e: unknown) => e instanceof FaultlineError && e.code === 'usage' && /not a valid exercise id/.test(e.message),
    );
    assert.deepEqual(fs.readdirSync(root).sort(), ['occupied']);
    // An existing empty folder is fine.
    const empty = path.join(root, 'empty-one');
    fs.mkdirSync(empty);
    const made = await initExercise({ dir: empty, title: 'Empty one', install: { root: repoRoot } });
    assert.ok(made.files.includes('exercise.json'));
    assert.equal(validateManifestFile(path.join(empty, 'exercise.json')).manifest?.title, 'Empty one');
  });

  it('runs through the CLI: validate, new (with the reference solution), its own tests, up', async (t) => {
    const { root, dir } = await skeleton(t, 'authored');
    const home = tempDir(t, 'faultline-home-');
    const env = cliEnv(home, { FAULTLINE_EXERCISES: root });
    const validate = await runCli(['validate', dir], { env });
    assert.equal(validate.code, 0, validate.stdout + validate.stderr);
    assert.match(validate.stdout, /^ok .*authored\/exercise\.json$/m);

    const ws = path.join(tempDir(t, 'faultline-ws-'), 'candidate');
    const created = await runCli(['new', 'authored', ws, '--solution', 'reference'], { env });
    assert.equal(created.code, 0, created.stderr);
    assert.equal(fs.existsSync(path.join(ws, 'interviewer')), false, 'no interviewer material');
    // The candidate's own type check and tests, with the dependencies `new` installed offline.
    await run(process.execPath, [path.join(ws, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', ws]);
    const testEnv = { ...process.env };
    delete testEnv['NODE_TEST_CONTEXT']; // a nested node --test would otherwise report to this runner
    const tests = await run(
      process.execPath,
      ['-r', 'sucrase/register/ts', '--test', '--test-reporter=tap', 'test/app.test.ts', 'test/not-found.test.ts'],
      { cwd: ws, env: testEnv },
    );
    assert.match(tests.stdout, /# pass 3/);

    const up = await startUp(t, ws, { env, stateFile: path.join(home, 'state.json') });
    const url = up.state.services['api']?.url ?? '';
    const health = await fetch(`${url}/health`);
    assert.equal(health.status, 200);
    const missing = await fetch(`${url}/items/999999`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { detail: 'item not found' });
    assert.equal(await up.interrupt(), 0);
  });
});

describe('hidden check ids', () => {
  it('finds check("<id>", …) calls, tolerantly, outside comments', () => {
    const text = [
      "import type { DeclareChecks } from 'faultline/checks';",
      'const checks: DeclareChecks = (check) => {',
      "  check('one', { title: 'First', kind: 'functional' }, async () => {});",
      '  check(',
      '    "two",',
      "    { kind: 'chaos', title: \"Second, with 'quotes'\" },",
      '    async () => {},',
      '  );',
      "  // check('commented', …)",
      "  /* check('also-commented') */",
      '  const s = "check(\'in-a-string\')";',
      '  check(`three`, { title: `Third`, kind: `performance` }, async () => {});',
      '  check(`computed-${s}`, { title: "x", kind: "functional" }, async () => {});',
      "  t.check('method-call', {});",
      '};',
    ].join('\n');
    const found = findCheckIds(text, 'x.check.ts');
    assert.deepEqual(
      found.map((c) => [c.id, c.line, c.column, c.title, c.kind]),
      [
        ['one', 3, 10, 'First', 'functional'],
        ['two', 5, 6, "Second, with 'quotes'", 'chaos'],
        ['three', 12, 10, 'Third', 'performance'],
      ],
    );
    assert.equal(text.slice(found[0]?.offset, (found[0]?.offset ?? 0) + (found[0]?.length ?? 0)), 'one');
  });

  it('validates rubric references, duplicate ids across files and unused checks', async (t) => {
    const { dir, file } = await skeleton(t);
    const checks = path.join(dir, 'interviewer', 'checks');
    fs.writeFileSync(
      path.join(checks, 'more.check.ts'),
      "export default (check: (id: string, o: object, f: () => Promise<void>) => void) => {\n  check('item-not-found', {}, async () => {});\n  check('spare', {}, async () => {});\n};\n",
    );
    fs.writeFileSync(path.join(checks, 'notes.md'), "check('ignored')");
    const found = problems(file, (m) => {
      const rubric = m['rubric'] as Rubric;
      rubric.categories[0]!.items.push({ id: 'x', title: 'X', points: 0, kind: 'auto', checks: [{ check: 'item-not-fuond' }] });
    });
    assert.deepEqual(
      found.map((p) => `${p.severity} ${formatJsonPath(p.path)}: ${p.message}`),
      [
        'error $.interviewer.checks: duplicate check id "item-not-found": declared in interviewer/checks/basic.check.ts:4 and interviewer/checks/more.check.ts:2',
        'error $.rubric.categories[0].items[2].checks[0].check: unknown check "item-not-fuond"; declared in interviewer/checks: item-not-found, spare',
        'warning $.interviewer.checks: check "spare" (interviewer/checks/more.check.ts:3) is not used by any rubric item',
      ],
    );
    const unknown = found.find((p) => p.code === 'unknown-check');
    assert.deepEqual(unknown?.data, { known: ['item-not-found', 'spare'] });

    const noFolder = problems(file, (m) => {
      (m['interviewer'] as Record<string, unknown>)['checks'] = undefined;
    });
    assert.deepEqual(
      noFolder.map((p) => p.message),
      ['unknown check "item-not-found": the exercise declares no interviewer.checks folder'],
    );
  });

  it('keeps ids unique in one place: hint ladders, stages, categories and rubric items', async (t) => {
    const { file } = await skeleton(t);
    const found = problems(file, (m) => {
      const hints = m['hints'] as Record<string, unknown>[];
      hints.push({ ...hints[0] });
      const rubric = m['rubric'] as Rubric;
      rubric.stages = [
        { id: 's', title: 'S' },
        { id: 's', title: 'S again' },
      ];
      rubric.categories.push({ id: 'correctness', title: 'Again', points: 0, items: [] } as Rubric['categories'][number]);
      rubric.categories[0]!.items.push({ ...rubric.categories[0]!.items[1], points: 0 });
    });
    assert.deepEqual(
      found.map((p) => `${formatJsonPath(p.path)}: ${p.message}`),
      [
        '$.hints[1].id: duplicate id "unknown-item" (first used at hints[0])',
        '$.rubric.stages[1].id: duplicate stage id "s" (first used at rubric.stages[0])',
        '$.rubric.categories[1].id: duplicate category id "correctness" (first used at rubric.categories[0])',
        '$.rubric.categories[0].items[2].id: duplicate rubric item id "chaos-reasoning" (also in category "correctness")',
      ],
    );
    assert.ok(found.every((p) => p.code === 'duplicate-id'));
  });

  it('tags fixable problems with a code and what would be right', async (t) => {
    const { file } = await skeleton(t);
    const found = problems(file, (m) => {
      m['id'] = 'renamed';
      const rubric = m['rubric'] as Rubric & { total: number };
      rubric.total = 11;
      (rubric.categories[0] as unknown as Record<string, unknown>)['points'] = 9.5;
      const faults = (m['chaos'] as { faults: Record<string, unknown>[] }[])[0]!.faults;
      faults[0]!['type'] = 'latensy';
      faults[1]!['params'] = { status: 503, from: 'apii' };
    });
    const byCode: Record<string, { path: string; data: unknown }> = Object.fromEntries(
      found.map((p) => [p.code ?? '', { path: formatJsonPath(p.path), data: p.data }] as const),
    );
    assert.deepEqual(byCode['id-not-folder'], { path: '$.id', data: { expected: 'demo-exercise' } });
    assert.deepEqual(byCode['rubric-total'], { path: '$.rubric.total', data: { expected: 9.5 } });
    assert.deepEqual(byCode['category-points'], { path: '$.rubric.categories[0].points', data: { expected: 10 } });
    assert.deepEqual(byCode['unknown-fault-type'], { path: '$.chaos[0].faults[0].type', data: { known: FAULT_TYPES.map((f) => f.type) } });
    assert.deepEqual(byCode['unknown-service'], { path: '$.chaos[0].faults[1].params.from', data: { known: ['api'] } });
  });
});

describe('suggestions', () => {
  it('offers the closest known names first, and nothing when nothing is close', () => {
    const types = FAULT_TYPES.map((f) => f.type);
    assert.equal(closest('latancy', types)[0], 'latency');
    assert.equal(closest('http-error', types)[0], 'http_error');
    assert.equal(closest('DB_UPDATE', types)[0], 'db_update');
    assert.ok(closest('partitoin', types).includes('partition'));
    assert.deepEqual(closest('zzzzzzzz', types), []);
    assert.deepEqual(closest('apii', ['api', 'web', 'worker']), ['api']);
  });
});

describe('manifest reference', () => {
  it('docs/manifest-reference.md is current (npm run build writes it)', () => {
    const committed = fs.readFileSync(path.join(repoRoot, MANIFEST_REFERENCE_FILE), 'utf8');
    assert.equal(committed, manifestReferenceMarkdown(), 'run `npm run build` and commit docs/manifest-reference.md');
  });

  it('documents every fault type and parameter from the registry', () => {
    const doc = manifestReferenceMarkdown();
    for (const f of FAULT_TYPES) {
      assert.ok(doc.includes(`### ${f.type}\n`), f.type);
      for (const name of Object.keys((f.params as { properties: Record<string, unknown> }).properties))
        assert.ok(doc.includes(`| \`${name}\` |`), `${f.type}.${name}`);
    }
    assert.match(
      doc,
      /\| `services\[\]\.health\.timeoutMs` \| integer 50–60000 \| optional \| `1000` \| Timeout of one probe request\. \|/,
    );
    assert.match(doc, /\| `ms` \| integer 0–600000 \| `300` \| Added delay in milliseconds\. \|/);
  });
});
