/**
 * Fast feedback (issue 17), before and after side by side in one run, on price-alerts (reference
 * and starter). Each round runs every variant once, interleaved, so load spikes hit all of them:
 *
 *   floor        `node -r sucrase/register/ts --test` on an empty test file (same runtime and loader)
 *   npm test     the candidate's suite as `npm test` runs it, beside the floor, before any session
 *                is up: before issue 17 (git 0cf41a6: its test script, one process per test file,
 *                and its helpers, migrations and seed in every test) and after (every file in one
 *                process, a template database copied per test, compiled files kept)
 *   check        a full `faultline check` on a running session: before = those helpers and every
 *                mutant running the whole suite in a pool of 3 (FAULTLINE_MUTATION_SELECTION=off,
 *                FAULTLINE_MUTATION_POOL=3); after = the new helpers, per-test coverage, only the
 *                covering tests per mutant, stopped at the first failure, a pool sized to the
 *                machine, mutation checks in warm test workers beside the chaos checks. Both get the
 *                new check order, the runners' warm start and the room's service settings of today
 *                (the manifest's env, e.g. BCRYPT_COST=4). Time to the first result too.
 *   per file     after, but each test file of a mutation check in a process of its own
 *                (FAULTLINE_TEST_WORKERS=off): what the warm test workers change
 *
 *   every        each exercise's reference: `npm test` (one process) beside `npm run test:isolated`
 *                (a process per test file)
 *
 *   npm run bench -- feedback [--rounds N]
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli, median, node, root, runCheck } from './session';

const BEFORE = '0cf41a6';
const HELPERS = 'workspaces/price-alerts/starter/test/helpers.ts';
const PACKAGE = 'workspaces/price-alerts/starter/package.json';

interface Variant {
  name: string;
  solution: 'reference' | 'starter';
  before: boolean;
  /** Mutation checks in a process per test file instead of warm test workers (FAULTLINE_TEST_WORKERS=off). */
  perFile?: boolean;
  dir: string;
  stateFile: string;
  env: NodeJS.ProcessEnv;
}

function scaffold(base: string, v: Omit<Variant, 'dir' | 'stateFile' | 'env'>, home: string): Variant {
  const dir = path.join(base, v.name.replace(/\W+/g, '-'));
  const args = ['new', 'price-alerts', dir, ...(v.solution === 'reference' ? ['--solution', 'reference'] : [])];
  const env = { ...process.env, FAULTLINE_HOME: home, NO_COLOR: '1' };
  const made = spawnSync(node, [cli, ...args], { env, encoding: 'utf8' });
  if (made.status !== 0) throw new Error(`faultline new failed: ${made.stderr}`);
  if (v.before) {
    const old = spawnSync('git', ['show', `${BEFORE}:${HELPERS}`], { cwd: root, encoding: 'utf8' });
    if (old.status !== 0) throw new Error(`git show ${BEFORE}:${HELPERS} failed: ${old.stderr}`);
    fs.writeFileSync(path.join(dir, 'test', 'helpers.ts'), old.stdout);
    // And the test script of then: each test file in a process of its own.
    const pkg = spawnSync('git', ['show', `${BEFORE}:${PACKAGE}`], { cwd: root, encoding: 'utf8' });
    if (pkg.status !== 0) throw new Error(`git show ${BEFORE}:${PACKAGE} failed: ${pkg.stderr}`);
    const then = (JSON.parse(pkg.stdout) as { scripts: { test: string } }).scripts.test;
    const file = path.join(dir, 'package.json');
    const current = JSON.parse(fs.readFileSync(file, 'utf8')) as { scripts: Record<string, string> };
    current.scripts['test'] = then;
    fs.writeFileSync(file, JSON.stringify(current, null, 2) + '\n');
  }
  const sessionEnv = v.before
    ? { ...env, FAULTLINE_MUTATION_SELECTION: 'off', FAULTLINE_MUTATION_POOL: '3' }
    : v.perFile
      ? { ...env, FAULTLINE_TEST_WORKERS: 'off' }
      : env;
  return { ...v, dir, stateFile: path.join(base, `${path.basename(dir)}.state.json`), env: sessionEnv };
}

function timed(cmd: string, args: string[], cwd: string): number {
  const t = performance.now();
  const r = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, PATH: `${path.dirname(node)}${path.delimiter}${process.env['PATH'] ?? ''}` },
  });
  if (r.status === null) throw new Error(`${cmd} ${args.join(' ')} was killed`);
  return performance.now() - t;
}

/** `npm test` (or another script) of the workspace, as its package.json says (without npm's own start-up). */
function npmTest(dir: string, name = 'test'): number {
  const scripts = (JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const script = scripts[name];
  if (!script) throw new Error(`${dir}: no "${name}" script`);
  return timed('sh', ['-c', script], dir);
}

/** Every exercise's reference: its `npm test` (every file in one process) beside `npm run test:isolated` (one process per file). */
function everyExercise(base: string, home: string, rounds: number): string[] {
  const exercises = fs
    .readdirSync(path.join(root, 'workspaces'))
    .filter((e) => fs.existsSync(path.join(root, 'workspaces', e, 'exercise.json')));
  const env = { ...process.env, FAULTLINE_HOME: home, NO_COLOR: '1' };
  const dirs = exercises.map((e) => {
    const dir = path.join(base, `every-${e}`);
    const made = spawnSync(node, [cli, 'new', e, dir, '--solution', 'reference'], { env, encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`faultline new ${e} failed: ${made.stderr}`);
    return dir;
  });
  const times = exercises.map(() => ({ isolated: [] as number[], one: [] as number[] }));
  for (let r = 0; r < rounds; r++)
    dirs.forEach((dir, i) => {
      times[i]?.isolated.push(npmTest(dir, 'test:isolated'));
      times[i]?.one.push(npmTest(dir, 'test'));
    });
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  return [
    `every exercise's reference, ${rounds} interleaved rounds`,
    '',
    '| exercise | npm run test:isolated (a process per file) | npm test (one process) | ratio |',
    '|---|---|---|---|',
    ...exercises.map((e, i) => {
      const t = times[i] ?? { isolated: [], one: [] };
      return `| ${e} | ${fmt(median(t.isolated))} | ${fmt(median(t.one))} | ${(median(t.isolated) / median(t.one)).toFixed(1)}× |`;
    }),
  ];
}

async function up(v: Variant): Promise<() => Promise<void>> {
  const child = spawn(node, [cli, 'up', v.dir, '--state', v.stateFile], { env: v.env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${v.name}: not up in 120 s:\n${out}`)), 120_000);
    const read = (d: string) => {
      out += d;
      if (out.includes('FAULTLINE_READY')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.setEncoding('utf8').on('data', read);
    child.stderr.setEncoding('utf8').on('data', read);
    child.on('exit', (code) => reject(new Error(`${v.name}: up exited (${code}):\n${out}`)));
  });
  return async () => {
    const exited = new Promise((r) => child.on('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
}

export async function run(args: string[]): Promise<string> {
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args[at + 1]) : 3;
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-feedback-'));
  const home = path.join(base, 'home');
  const variants = [
    { name: 'reference, before', solution: 'reference' as const, before: true },
    { name: 'reference, a process per test file', solution: 'reference' as const, before: false, perFile: true },
    { name: 'reference, after', solution: 'reference' as const, before: false },
    { name: 'starter, before', solution: 'starter' as const, before: true },
    { name: 'starter, after', solution: 'starter' as const, before: false },
  ].map((v) => scaffold(base, v, home));
  const emptyDir = path.join(base, 'floor');
  fs.mkdirSync(emptyDir);
  const empty = path.join(emptyDir, 'empty.test.ts');
  fs.writeFileSync(empty, '');
  const stops: (() => Promise<void>)[] = [];
  const floorMs: number[] = [];
  const tests = new Map<string, number[]>();
  const checks = new Map<string, { ms: number; first: number; points: number }[]>();
  let every: string[] = [];
  try {
    // The floor and the candidate's `npm test` first, before any session is up: a check's
    // aftermath (its runners winding down) must not land on them.
    for (let r = 0; r < rounds; r++) {
      const ref = variants[0] as Variant;
      floorMs.push(timed(node, ['-r', 'sucrase/register/ts', '--test', empty], ref.dir));
      for (const v of variants) tests.set(v.name, [...(tests.get(v.name) ?? []), npmTest(v.dir)]);
    }
    for (const v of variants) stops.push(await up(v));
    for (let r = 0; r < rounds; r++) {
      for (const v of variants) checks.set(v.name, [...(checks.get(v.name) ?? []), await runCheck(['--state', v.stateFile], v.env)]);
      process.stderr.write(`round ${r + 1}/${rounds} done\n`);
    }
    // The sessions stop first: this part needs none.
    for (const stop of stops.splice(0)) await stop();
    every = everyExercise(base, home, rounds);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    fs.rmSync(base, { recursive: true, force: true });
  }
  const floor = median(floorMs);
  const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const x = (ms: number) => `${(ms / floor).toFixed(1)}×`;
  const rows = variants.map((v) => {
    const t = median(tests.get(v.name) ?? []);
    const c = checks.get(v.name) ?? [];
    const wall = median(c.map((r) => r.ms));
    const first = median(c.map((r) => r.first));
    const points = [...new Set(c.map((r) => r.points))].join(', ');
    return `| ${v.name} | ${fmt(t)} | ${x(t)} | ${fmt(wall)} | ${x(wall)} | ${fmt(first)} | ${points} |`;
  });
  const pairs = ['reference', 'starter'].map((s) => {
    const before = variants.find((v) => v.solution === s && v.before) as Variant;
    const after = variants.find((v) => v.solution === s && !v.before && !v.perFile) as Variant;
    const t = median(tests.get(before.name) ?? []) / median(tests.get(after.name) ?? []);
    const c = median((checks.get(before.name) ?? []).map((r) => r.ms)) / median((checks.get(after.name) ?? []).map((r) => r.ms));
    return `${s}: npm test ${t.toFixed(1)}× faster, check ${c.toFixed(1)}× faster`;
  });
  return [
    `price-alerts, ${rounds} interleaved rounds, Node ${process.versions.node}, ${os.availableParallelism()} CPUs; floor (empty test file, same loader) ${fmt(floor)}`,
    '',
    '| variant | npm test | ÷ floor | full check | ÷ floor | first result | points |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    pairs.join('; '),
    '',
    ...every,
  ].join('\n');
}
