/**
 * The README's launch command: `npm start` (scripts/start.mjs) without desktop VS Code opens
 * code-server with this checkout's Faultline and a price-alerts interview whose services start
 * as soon as the editor loads; Ctrl-C stops everything.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { readState, sessionDirFor, isAlive } from '../../extension/engine/session';
import { eventually, suiteCleanup, tempDir, waitForLine } from '../helpers';
import { CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, e2eSkipReason, ensureCodeServer, INSTALL_TIMEOUT_MS, repoRoot } from './vscode';

const cleanup = suiteCleanup();

test(
  'npm start opens VS Code with a price-alerts interview running',
  { timeout: INSTALL_TIMEOUT_MS, skip: e2eSkipReason ?? false },
  async () => {
    await ensureCodeServer();
    const demo = tempDir(cleanup, 'faultline-e2e-start-');
    const home = tempDir(cleanup, 'faultline-e2e-start-home-');
    // `code` is not on this PATH: start.mjs uses code-server in the browser.
    const env = { ...process.env, FAULTLINE_DEMO_DIR: demo, FAULTLINE_HOME: home, FAULTLINE_NO_BROWSER: '1', FAULTLINE_SKIP_BUILD: '1' };
    const child = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'start.mjs'), '--browser'], { env, detached: true });
    const output = { text: '' };
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output.text += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output.text += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    cleanup.after(async () => {
      if (child.exitCode === null) {
        process.kill(-child.pid!, 'SIGKILL');
        await exited;
      }
    });
    const line = await waitForLine(child, /^FAULTLINE_VSCODE /m, 120_000, output);
    const url = line.slice('FAULTLINE_VSCODE '.length).trim();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/\?folder=/);

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    cleanup.after(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    try {
      await page.goto(url);
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      const workspace = path.join(demo, 'price-alerts');
      const stateFile = path.join(sessionDirFor(workspace, home), 'state.json');
      await eventually(
        () => {
          try {
            return !readState(stateFile).stoppedAt;
          } catch {
            return false;
          }
        },
        120_000,
        'the price-alerts services to run',
      );
      const state = readState(stateFile);
      assert.equal((await fetch(`${state.services['api']!.url}/health`)).status, 200);
      await page
        .locator('.statusbar-item', { hasText: /Basic implementation/ })
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 });
      // The first view: the Faultline view and the brief, no chat pane beside them.
      await page
        .locator('.pane-header', { hasText: /Services/ })
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 });
      await page
        .locator('.tabs-container .tab', { hasText: /Preview README\.md/ })
        .first()
        .waitFor({ state: 'visible', timeout: 30_000 });
      assert.equal(await page.locator('.part.auxiliarybar').isVisible(), false, 'no chat pane');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'npm-start.png') });

      // Ctrl-C stops code-server, and with it the extension host and every service.
      process.kill(child.pid!, 'SIGINT');
      await exited;
      const pids = Object.values(state.services).flatMap((s) => s.pids.filter((p): p is number => p !== null));
      await eventually(() => pids.every((p) => !isAlive(p)), 15_000, 'the services to stop with npm start');
    } catch (err) {
      await page.screenshot({ path: path.join(SCREENSHOTS, 'npm-start-failure.png') }).catch(() => undefined);
      throw new Error(`${(err as Error).message}\n--- npm start output ---\n${output.text.slice(-3000)}`);
    }
  },
);
