/**
 * The packaged extension in a clean VS Code: the .vsix built by @vscode/vsce (scripts/package.mjs)
 * installs into an empty extensions folder and runs a practice session offline — the services
 * start from the runtime pack shipped inside the .vsix, on the editor's own runtime. The
 * practising candidate requests a hint (it costs points) and runs `npm test` in a terminal (on
 * the services' Node when PATH's is too old; the run lands on the timeline); closing VS Code
 * leaves no service behind.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before } from 'node:test';
import { pathToFileURL } from 'node:url';
import { TEMPLATE_DIR } from '../../extension/engine/authoring/init';
import { controlApi } from '../../extension/engine/protocol/control';
import { apiClient } from '../../extension/engine/protocol/rpc';
import { isAlive, readState, readToken, sessionDirFor, type SessionState } from '../../extension/engine/session';
import { readTimeline } from '../../extension/engine/timeline';
import { cliEnv, cliPath, eventually, suiteCleanup, tempDir } from '../helpers';
import { e2eTest, repoRoot } from './vscode';

const cleanup = suiteCleanup();
const home = tempDir(cleanup, 'faultline-e2e-vsix-home-');
const env = cliEnv(home);
const workspace = path.join(tempDir(cleanup, 'faultline-e2e-vsix-'), 'practice');
const vsix = path.join(tempDir(cleanup, 'faultline-e2e-vsix-out-'), 'faultline.vsix');
const terminalOut = tempDir(cleanup, 'faultline-e2e-terminal-');

before(
  async () => {
    const script = (await import(pathToFileURL(path.join(repoRoot, 'scripts', 'package.mjs')).href)) as {
      packageExtension: (o: { build: boolean; out: string }) => Promise<{ vsix: string; files: string[] }>;
    };
    const { files } = await script.packageExtension({ build: false, out: vsix });
    // Only what runs: no sources, tests, benchmarks or development tools.
    const own = files.filter((f) => !f.startsWith('node_modules/'));
    assert.deepEqual(
      own.filter((f) => /^(test|bench|extension|scripts|servers|\.ci)\//.test(f) || f.endsWith('.map')).sort(),
      // The hidden-check API, for authors' check files, and the exercise template (see .vscodeignore).
      [
        ...fs
          .readdirSync(path.join(repoRoot, TEMPLATE_DIR), { recursive: true, encoding: 'utf8' })
          .filter((f) => fs.statSync(path.join(repoRoot, TEMPLATE_DIR, f)).isFile())
          .map((f) => `${TEMPLATE_DIR}/${f.split(path.sep).join('/')}`),
        'extension/engine/model/interview.ts',
        'extension/engine/model/proxy.ts',
        'extension/engine/rubric/api.ts',
      ].sort(),
    );
    assert.ok(!files.some((f) => /^node_modules\/(node|eslint|playwright-core|esbuild|@vscode\/vsce)\//.test(f)), 'no devDependencies');
  },
  { timeout: 5 * 60_000 },
);

function runningState(): SessionState | undefined {
  try {
    const state = readState(path.join(sessionDirFor(workspace, home), 'state.json'));
    return state.stoppedAt ? undefined : state;
  } catch {
    return undefined;
  }
}

e2eTest(
  'the packaged extension runs a practice session offline',
  {
    timeoutMs: 5 * 60_000,
    vsix,
    env: { FAULTLINE_HOME: home },
    folder: () => {
      const made = spawnSync(process.execPath, [cliPath, 'new', 'price-alerts', workspace, '--autostart', 'practice'], {
        env,
        encoding: 'utf8',
      });
      assert.equal(made.status, 0, made.stderr);
      return workspace;
    },
  },
  async (vscode, t) => {
    const log = await vscode.outputChannelText('Faultline', { contains: /Price Alerts is running \(practice/, timeoutMs: 120_000 });
    // Every bundled exercise ships in the package (the catalog lists them by folder name).
    const bundled = fs
      .readdirSync(path.join(repoRoot, 'workspaces'))
      .filter((d) => fs.existsSync(path.join(repoRoot, 'workspaces', d, 'exercise.json')))
      .sort();
    assert.match(log, new RegExp(`Faultline 0\\.\\d+\\.\\d+: ${bundled.join(', ')}\n`));
    const state = await eventually(() => runningState() !== undefined, 30_000, 'the session state').then(() => runningState()!);
    // The services run on the editor's own runtime (code-server's Node), not on a Node of this checkout.
    assert.ok(!state.runtime.execPath.startsWith(repoRoot), state.runtime.execPath);
    assert.equal((await fetch(`${state.services['api']!.url}/health`)).status, 200);

    // A practice window opens on the brief and, beside it, the live portal (then the keyboard is back in the editor).
    await vscode.outputChannelText('Faultline', { contains: /first view: the brief and the candidate portal/, timeoutMs: 60_000 });
    await vscode.page
      .locator('.tabs-container .tab', { hasText: /Preview README\.md/ })
      .first()
      .waitFor({ state: 'visible' });
    await vscode.page
      .locator('.tabs-container .tab', { hasText: /Simple Browser/ })
      .first()
      .waitFor({ state: 'visible' });
    await vscode.screenshot('vsix-practice-first-view');

    // A practising candidate requests a hint: it costs points.
    await vscode.runCommand('Faultline: Request Hint…');
    await vscode.quickPick('Creating and listing alerts');
    await vscode.waitForDialog(/costs 0\.5 point/);
    await vscode.dialogButton('Show Hint');
    await vscode.waitForNotification(/Hint \(mild\) — Creating and listing alerts/);
    const score = await apiClient(controlApi, state.control.url, readToken(state)).score(null);
    assert.deepEqual([score.mode, score.hintCost], ['practice', 0.5]);
    await vscode.screenshot('vsix-practice-hint');

    // The candidate's own terminal: \`node\` and \`npm test\` run on a Node the exercise can use.
    // (VS Code's server takes PATH from a login shell, so what PATH holds is this machine's: on a
    // fresh CI machine, Node 20 — the shim at work; with Node 22+ on PATH, nothing to do.)
    const shim = /terminals get Node \S+ from \S+ \(PATH has ([^)]*)\)/.exec(log);
    t.diagnostic(shim ? `terminal node shim in use (PATH has ${shim[1]})` : 'PATH has a new enough Node: no shim');
    await vscode.runCommand('Terminal: Create New Terminal');
    const terminal = vscode.page.locator('.terminal-wrapper.active .xterm-helper-textarea');
    await terminal.waitFor({ state: 'attached', timeout: 30_000 });
    await terminal.focus();
    const out = (name: string) => path.join(terminalOut, name);
    await vscode.page.keyboard.type(`node -p process.versions.node > ${out('node')}\n`);
    await eventually(() => fs.existsSync(out('node')) && fs.readFileSync(out('node'), 'utf8').endsWith('\n'), 30_000, 'node -p');
    assert.ok(Number.parseInt(fs.readFileSync(out('node'), 'utf8'), 10) >= 22, fs.readFileSync(out('node'), 'utf8'));
    // The candidate runs their tests, as anyone would: the run lands on the timeline (shell
    // integration) with the totals the runner printed — the starter's TODO tests fail.
    await vscode.page.keyboard.type('npm test\n');
    const timeline = path.join(sessionDirFor(workspace, home), 'timeline.jsonl');
    const testRun = () => readTimeline(timeline).find((e) => e.type === 'candidate.tests');
    await eventually(() => testRun() !== undefined, 120_000, 'the candidate test run on the timeline');
    const run = testRun()!;
    assert.equal(run['command'], 'npm test');
    assert.equal(run['exitCode'], 1);
    assert.ok(Number(run['passed']) > 0 && Number(run['failed']) > 0 && Number(run['todo']) > 0, JSON.stringify(run));
    assert.match(await vscode.outputChannelText('Faultline', { contains: /candidate ran `npm test`/ }), /\d+ passed, \d+ failed/);
    await vscode.screenshot('vsix-practice-terminal');

    // Closing VS Code stops every service.
    const pids = Object.values(state.services).flatMap((s) => s.pids.filter((p): p is number => p !== null));
    assert.ok(pids.length > 0 && pids.every(isAlive));
    await vscode.close();
    await eventually(() => pids.every((p) => !isAlive(p)), 10_000, 'every service to exit with VS Code');
    assert.ok(fs.existsSync(path.join(workspace, 'HINTS.md')));
  },
);
