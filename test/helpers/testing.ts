/**
 * `faultline/testing`: what an exercise package's own tests (`workspaces/<id>/tests/*.test.ts`,
 * or a package under FAULTLINE_EXERCISES) import. The test runner maps the name to this file
 * (tsconfig `paths`, honoured by tsx), so a package outside this repository uses the same API.
 *
 * Everything waits on signals with a deadline and cleans up what it starts (see ./index.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { controlApi } from '../../extension/engine/protocol/control';
import { apiClient, type Client } from '../../extension/engine/protocol/rpc';
import { readToken, type SessionState } from '../../extension/engine/session';
import type { TestExerciseReport } from '../../extension/engine/interview/testExercise';
import { cliEnv, install, runCli, tempDir, type CliResult } from './index';

export {
  cliEnv,
  cliPath,
  eventually,
  install,
  isAlive,
  nodeForServices,
  npmRun,
  repoRoot,
  runCli,
  startUp,
  suiteCleanup,
  tempDir,
  waitForLine,
  type CliResult,
  type ScriptRun,
  type UpProcess,
} from './index';
export type { Score } from '../../extension/engine/model/interview';
export type { TestExerciseReport, VariantReport } from '../../extension/engine/interview/testExercise';
export type { SessionState } from '../../extension/engine/session';

/** The session's control API (the same the CLI uses), with its token. */
export function controlClient(state: SessionState, timeoutMs = 120_000): Client<typeof controlApi> {
  return apiClient(controlApi, state.control.url, readToken(state), timeoutMs);
}

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/**
 * Why browser tests cannot run here, or undefined when they can. Under CI (CI=true) a missing
 * browser is a failure, not a skip: the test runner reports skips with this reason as failures.
 */
export const browserSkipReason: string | undefined = fs.existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is not installed (apt-get install chromium)`;

/** The folder of the exercise package a test file belongs to (`<package>/tests/x.test.ts` → `<package>`). */
export function exerciseDir(testFile: string): string {
  return path.resolve(path.dirname(testFile), '..');
}

/**
 * Environment for CLI runs from a package's own test: its own FAULTLINE_HOME, and the package's
 * folder among FAULTLINE_EXERCISES when it is not one of Faultline's bundled exercises.
 */
export function packageEnv(t: { after(fn: () => unknown): void }, testFile: string): NodeJS.ProcessEnv {
  const parent = path.dirname(exerciseDir(testFile));
  const bundled = path.resolve(parent) === path.resolve(install.workspacesDir);
  const extra = [...(process.env['FAULTLINE_EXERCISES'] ?? '').split(path.delimiter).filter(Boolean), ...(bundled ? [] : [parent])];
  return cliEnv(tempDir(t, 'faultline-home-'), extra.length > 0 ? { FAULTLINE_EXERCISES: [...new Set(extra)].join(path.delimiter) } : {});
}

/**
 * `faultline new <exercise> <tmp>/<name> [--solution S]` in a temporary folder removed at the end;
 * resolves with the workspace folder.
 */
export async function scaffold(
  t: { after(fn: () => unknown): void },
  exercise: string,
  opts: { solution?: string; env?: NodeJS.ProcessEnv; name?: string } = {},
): Promise<string> {
  const dir = path.join(tempDir(t, `faultline-${exercise}-`), opts.name ?? opts.solution ?? 'starter');
  const r = await runCli(['new', exercise, dir, ...(opts.solution ? ['--solution', opts.solution] : [])], {
    env: opts.env ?? cliEnv(tempDir(t, 'faultline-home-')),
  });
  if (r.code !== 0) throw new Error(`faultline new ${exercise} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return dir;
}

/**
 * `faultline test-exercise <exercise or dir> --no-package-tests --json`: every variant scaffolded,
 * tested and scored against the manifest's `expect` (the package tests are the caller itself).
 */
export async function testExerciseReport(
  exercise: string,
  opts: { env: NodeJS.ProcessEnv; only?: string[]; timeoutMs?: number },
): Promise<{ report: TestExerciseReport; cli: CliResult }> {
  const cli = await runCli(
    ['test-exercise', exercise, '--no-package-tests', '--json', ...(opts.only ? ['--only', opts.only.join(',')] : [])],
    {
      env: opts.env,
      timeoutMs: opts.timeoutMs ?? 600_000,
    },
  );
  try {
    return { report: JSON.parse(cli.stdout) as TestExerciseReport, cli };
  } catch {
    throw new Error(`faultline test-exercise ${exercise} printed no report (exit ${cli.code}):\n${cli.stdout}\n${cli.stderr}`);
  }
}
