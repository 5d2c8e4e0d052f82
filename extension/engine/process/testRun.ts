/**
 * The candidate's own test suite, run the way `npm test` runs it (`node -r sucrase/register/ts
 * --test`), in a scratch copy of the workspace so files can be replaced (mutation checks) without
 * touching the candidate's: used by hidden checks (`t.candidateTests`) and `faultline test-exercise`.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FaultlineError } from '../errors';
import type { CandidateTestRun } from '../model/interview';

export interface TestRunOptions {
  workspace: string;
  /** Faultline's own node_modules, used when the workspace has none. */
  modules: string;
  runtime: { execPath: string; env: Record<string, string> };
  /** Workspace-relative files to replace in the copy (a known-broken variant). */
  replace?: Record<string, string>;
  /** Test files or globs (default: every test/**\/*.test.ts). */
  files?: string[];
  timeoutMs?: number;
}

/** Never copied into the scratch copy (dependencies are linked, data is the candidate's). */
const SKIP = new Set(['node_modules', '.git', 'data', '.faultline', 'dist']);

function copyTree(src: string, dest: string, top = true): void {
  fs.mkdirSync(dest, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    if (top && SKIP.has(e.name)) continue;
    const s = path.join(src, e.name);
    const d = path.join(dest, e.name);
    if (e.isDirectory()) copyTree(s, d, false);
    else if (e.isFile()) fs.copyFileSync(s, d);
  }
}

/** Runs the suite in a scratch copy; parses the TAP report. A suite that hangs is killed at `timeoutMs`. */
export async function runCandidateTests(o: TestRunOptions): Promise<CandidateTestRun> {
  const timeoutMs = o.timeoutMs ?? 120_000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-tests-'));
  try {
    copyTree(o.workspace, dir);
    const modules = fs.existsSync(path.join(o.workspace, 'node_modules')) ? path.join(o.workspace, 'node_modules') : o.modules;
    fs.symlinkSync(modules, path.join(dir, 'node_modules'), 'dir');
    for (const [rel, content] of Object.entries(o.replace ?? {})) {
      const file = path.resolve(dir, rel);
      if (!file.startsWith(dir + path.sep)) throw new FaultlineError('usage', `cannot replace ${rel}: outside the workspace`);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, content);
    }
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...o.runtime.env,
      NO_COLOR: '1',
      PATH: `${path.dirname(o.runtime.execPath)}${path.delimiter}${process.env['PATH'] ?? ''}`,
    };
    delete env['NODE_TEST_CONTEXT'];
    delete env['NODE_OPTIONS'];
    for (const k of Object.keys(env)) if (k.startsWith('FAULTLINE_')) delete env[k];
    const files = o.files ?? ['test/**/*.test.ts'];
    const output = await new Promise<string>((resolve) => {
      const child = spawn(o.runtime.execPath, ['-r', 'sucrase/register/ts', '--test', '--test-reporter=tap', ...files], {
        cwd: dir,
        env,
        detached: process.platform !== 'win32',
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
      const timer = setTimeout(() => {
        try {
          process.kill(-(child.pid ?? 0), 'SIGKILL');
        } catch {
          child.kill('SIGKILL');
        }
        out += `\n# faultline: the test suite did not finish within ${timeoutMs} ms\n`;
      }, timeoutMs);
      child.on('close', () => {
        clearTimeout(timer);
        resolve(out);
      });
    });
    return parseTap(output);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export function parseTap(output: string): CandidateTestRun {
  const count = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? 0);
  const lines = output.split('\n');
  const failures: string[] = [];
  lines.forEach((line, i) => {
    const m = /^\s*not ok \d+ - (.+?)(?: # .*)?$/.exec(line);
    if (!m?.[1]) return;
    const type = lines.slice(i + 1).find((l) => /^\s*type: '/.test(l));
    if (type?.includes("'test'")) failures.push(m[1]);
  });
  const failed = count('fail');
  return {
    passed: count('pass'),
    failed: failed || (output.includes('did not finish') ? 1 : 0),
    todo: count('todo'),
    failures,
    output: output.slice(-20_000),
  };
}
