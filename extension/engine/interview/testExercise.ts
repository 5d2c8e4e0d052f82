/**
 * `faultline test-exercise`: an author's proof that an exercise package discriminates. Each
 * solution and the starter is scaffolded as a candidate would get it, its own tests are run, its
 * services are started and the whole rubric is run against them; then the package's own tests
 * (`<package>/tests/*.test.ts`). The verdict per variant follows the manifest's `expect`: the
 * reference earns every automatic point, every other solution loses exactly what it declares, the
 * starter stays near zero.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { LoadedExercise } from '../catalog';
import { errorMessage } from '../errors';
import type { Install } from '../install';
import type { Exercise } from '../manifest/schema';
import type { CandidateTestRun, Score } from '../model/interview';
import { parseTap, runCandidateTests } from '../process/testRun';
import { computeScore } from '../rubric/score';
import { resolveRuntime, type Runtime } from '../runtime';
import { createWorkspace } from '../workspace';
import { startSession } from './session';

/** The starter's share of the automatic points that still counts as "near zero" by default. */
export const STARTER_SHARE = 0.1;

export type Expectation =
  { kind: 'full'; points: number } | { kind: 'loses'; points: number; loses: Record<string, number> } | { kind: 'at-most'; points: number };

export interface VariantReport {
  variant: string;
  /** The variant's own `npm test` (the tests a candidate runs), or why it could not run. */
  tests: CandidateTestRun | { error: string };
  /** Automatic points earned, and the most there are. */
  points: number;
  max: number;
  expected: Expectation;
  /** Points lost per automatic item (items that earned everything are left out). */
  lost: Record<string, number>;
  /** Checks that did not pass, with why. */
  failedChecks: { id: string; status: string; message: string }[];
  ok: boolean;
  /** Why the verdict is "no", one line each. */
  problems: string[];
  ms: number;
}

export interface PackageTestsReport {
  files: string[];
  passed: number;
  failed: number;
  skipped: number;
  failures: string[];
  /** Why they did not run (no tests, no tsx), or undefined when they did. */
  skippedBecause?: string;
  ms: number;
}

export interface TestExerciseReport {
  exercise: string;
  variants: VariantReport[];
  packageTests: PackageTestsReport | null;
  ok: boolean;
}

export interface TestExerciseOptions {
  install: Install;
  exercise: LoadedExercise;
  /** Variants to run (default: every solution, then the starter). */
  variants?: string[];
  /** Also run `<package>/tests/*.test.ts` (slow: they start their own sessions). */
  packageTests?: boolean;
  runtime?: Runtime;
  nodePath?: string;
  onProgress?: (message: string) => void;
}

const round = (n: number) => Math.round(n * 100) / 100;

/** Automatic items with their maximum points. */
function automaticItems(m: Exercise): Map<string, number> {
  return new Map((m.rubric?.categories ?? []).flatMap((c) => c.items.filter((i) => i.kind === 'auto').map((i) => [i.id, i.points])));
}

export function expectationFor(m: Exercise, variant: string): Expectation {
  const max = round([...automaticItems(m).values()].reduce((a, b) => a + b, 0));
  const e = m.expect?.[variant];
  if (variant === 'starter') return { kind: 'at-most', points: e?.atMost ?? Math.floor(max * STARTER_SHARE) };
  if (e?.atMost !== undefined) return { kind: 'at-most', points: e.atMost };
  const loses = e?.loses ?? {};
  if (Object.keys(loses).length === 0) return { kind: 'full', points: max };
  return { kind: 'loses', points: round(max - Object.values(loses).reduce((a, b) => a + b, 0)), loses };
}

/** The verdict for one variant's score against what the manifest expects. */
export function judge(
  m: Exercise,
  variant: string,
  score: Score,
): Pick<VariantReport, 'points' | 'max' | 'expected' | 'lost' | 'ok' | 'problems'> {
  const items = score.categories.flatMap((c) => c.items).filter((i) => i.kind === 'auto');
  const max = round(items.reduce((n, i) => n + i.max, 0));
  const points = round(items.reduce((n, i) => n + i.earned, 0));
  const lost: Record<string, number> = {};
  for (const i of items) if (i.earned < i.max) lost[i.id] = round(i.max - i.earned);
  const expected = expectationFor(m, variant);
  const problems: string[] = [];
  if (expected.kind === 'at-most') {
    if (points > expected.points) problems.push(`earns ${points} automatic point(s); at most ${expected.points} expected`);
  } else {
    const want = expected.kind === 'loses' ? expected.loses : {};
    for (const id of new Set([...Object.keys(lost), ...Object.keys(want)])) {
      const got = lost[id] ?? 0;
      const should = want[id] ?? 0;
      if (Math.abs(got - should) > 1e-9)
        problems.push(`${id}: loses ${got} point(s), ${should === 0 ? 'should lose none' : `should lose ${should}`}`);
    }
  }
  return { points, max, expected, lost, ok: problems.length === 0, problems };
}

async function runVariant(opts: TestExerciseOptions, runtime: Runtime, variant: string, scratch: string): Promise<VariantReport> {
  const started = Date.now();
  const m = opts.exercise.manifest;
  const dir = path.join(scratch, variant);
  const home = path.join(scratch, `${variant}-home`);
  opts.onProgress?.(`${variant}: scaffolding`);
  await createWorkspace({ install: opts.install, exercise: opts.exercise, dir, solution: variant === 'starter' ? undefined : variant });
  opts.onProgress?.(`${variant}: its own tests`);
  const tests = await runCandidateTests({
    workspace: dir,
    modules: opts.install.runtimeModules,
    preload: path.join(opts.install.serversDir, 'preload.js'),
    runtime,
  }).catch((err: unknown) => ({
    error: errorMessage(err),
  }));
  opts.onProgress?.(`${variant}: services and the rubric`);
  const session = await startSession({ install: opts.install, workspace: dir, runtime, home });
  let score: Score;
  try {
    await session.runRubric({});
    score = computeScore(m, session.timeline.read());
  } finally {
    await session.stop();
  }
  const failedChecks = score.categories
    .flatMap((c) => c.items)
    .flatMap((i) => i.checks)
    .filter((c) => c.status !== 'passed')
    .map((c) => ({ id: c.id, status: c.status, message: (c.message ?? c.status).split('\n')[0] ?? '' }));
  return { variant, tests, failedChecks, ...judge(m, variant, score), ms: Date.now() - started };
}

/** The package's own tests through node:test with tsx (which maps `faultline/testing`). */
async function runPackageTests(opts: TestExerciseOptions, runtime: Runtime): Promise<PackageTestsReport> {
  const started = Date.now();
  const testsDir = path.join(opts.exercise.dir, 'tests');
  const files = fs.existsSync(testsDir)
    ? fs
        .readdirSync(testsDir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => path.join(testsDir, f))
        .sort()
    : [];
  const base = { files, passed: 0, failed: 0, skipped: 0, failures: [] };
  if (files.length === 0)
    return { ...base, skippedBecause: `the package has no tests (${path.relative(process.cwd(), testsDir)}/*.test.ts)`, ms: 0 };
  const tsx = path.join(opts.install.root, 'node_modules', 'tsx');
  if (!fs.existsSync(tsx))
    return { ...base, skippedBecause: 'tsx is not installed next to Faultline (run it from a Faultline checkout)', ms: 0 };
  const env: NodeJS.ProcessEnv = { ...process.env, ...runtime.env, NO_COLOR: '1' };
  delete env['NODE_TEST_CONTEXT'];
  const output = await new Promise<string>((resolve) => {
    const child = spawn(runtime.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...files], { cwd: opts.install.root, env });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('close', () => resolve(out));
  });
  const run = parseTap(output);
  const skipped = Number(/^# skipped (\d+)$/m.exec(output)?.[1] ?? 0);
  return { files, passed: run.passed, failed: run.failed, skipped, failures: run.failures, ms: Date.now() - started };
}

export async function testExercise(opts: TestExerciseOptions): Promise<TestExerciseReport> {
  const m = opts.exercise.manifest;
  const runtime = opts.runtime ?? resolveRuntime({ explicit: opts.nodePath, minMajor: m.runtime?.node ?? 18, install: opts.install });
  const variants = opts.variants ?? [...Object.keys(m.solutions), 'starter'];
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `faultline-test-${m.id}-`));
  const reports: VariantReport[] = [];
  try {
    for (const variant of variants) {
      try {
        reports.push(await runVariant(opts, runtime, variant, scratch));
      } catch (err) {
        reports.push({
          variant,
          tests: { error: 'not run' },
          points: 0,
          max: 0,
          expected: expectationFor(m, variant),
          lost: {},
          failedChecks: [],
          ok: false,
          problems: [`could not run: ${errorMessage(err)}`],
          ms: 0,
        });
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  opts.onProgress?.('the package tests');
  const packageTests = opts.packageTests ? await runPackageTests(opts, runtime) : null;
  const ok = reports.every((r) => r.ok) && (packageTests === null || packageTests.failed === 0);
  return { exercise: m.id, variants: reports, packageTests, ok };
}
