/**
 * A candidate joining over Live Share never reaches interviewer material. The interviewer's
 * session runs (the real CLI, as the Live Share host would); the candidate's VS Code opens the
 * shared workspace with Live Share reporting the guest role (the Live Share test double in
 * test/fixtures: its relay service cannot run here). The guest gets no interviewer commands or
 * views, receives hints (notification, Hints view, HINTS.md, portal), and nothing on screen, in
 * the workspace or in the portal contains the guide, rubric, hidden checks, unsent hints or
 * solutions.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { controlApi } from '../../extension/engine/protocol/control';
import { apiClient } from '../../extension/engine/protocol/rpc';
import { readToken } from '../../extension/engine/session';
import { describeLeaks, filesBelow, findLeaks, interviewerCorpus, searchableText } from '../helpers/corpus';
import { cliEnv, cliPath, eventually, startUp, suiteCleanup, tempDir } from '../helpers';
import { e2eTest, repoRoot } from './vscode';

const cleanup = suiteCleanup();
const home = tempDir(cleanup, 'faultline-e2e-host-');
const env = cliEnv(home);
const workspace = path.join(tempDir(cleanup, 'faultline-e2e-guest-'), 'shared');
const corpus = interviewerCorpus(path.join(repoRoot, 'workspaces', 'price-alerts'));

const INTERVIEWER_COMMANDS = [
  'New Interview',
  'Start Practice',
  'Start Services',
  'Stop Services',
  'Restart Service',
  'Start Next Phase',
  'Activate Chaos Mode',
  'Reset Chaos',
  'Send Hint',
  'Request Hint',
  'Run Rubric',
  'Score Item',
  'Export Scorecard',
  'Share with Candidate',
  'Open Interviewer Guide',
];

e2eTest(
  'a Live Share guest cannot reach interviewer material',
  {
    timeoutMs: 5 * 60_000,
    // The shared folder exists before the guest's editor opens it.
    folder: () => {
      const made = spawnSync(process.execPath, [cliPath, 'new', 'price-alerts', workspace], { env, encoding: 'utf8' });
      assert.equal(made.status, 0, made.stderr);
      return workspace;
    },
    env: { FAULTLINE_FAKE_LIVE_SHARE_ROLE: 'guest' },
    extraExtensions: [path.join(repoRoot, 'test', 'fixtures', 'vscode-extensions', 'fake-live-share')],
  },
  async (vscode, t) => {
    const host = await startUp(t, workspace, { env, stateFile: path.join(home, 'host.json') });
    const control = apiClient(controlApi, host.state.control.url, readToken(host.state));
    const { page } = vscode;

    await vscode.outputChannelText('Faultline', { contains: /Live Share detected \(role: guest\)/ });
    // Once the host publishes the session, the guest's first view: the brief, and the portal beside it.
    await page
      .locator('.tabs-container .tab', { hasText: /Preview README\.md/ })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await page
      .locator('.tabs-container .tab', { hasText: /Simple Browser|your interview/ })
      .first()
      .waitFor({ state: 'visible', timeout: 30_000 });
    await vscode.outputChannelText('Faultline', { contains: /first view: the brief and the candidate portal/ });
    // Both show their content: the brief's title in the preview, the portal (served by the host) live in the Simple Browser.
    const port = new URL(host.state.portal.url).port;
    const frameWith = async (what: string, selector: string, text: RegExp) => {
      let found = false;
      await eventually(
        async () => {
          for (const frame of page.frames()) {
            const el = frame.locator(selector).first();
            if ((await el.count().catch(() => 0)) > 0 && text.test((await el.textContent().catch(() => '')) ?? '')) found = true;
          }
          return found;
        },
        30_000,
        what,
      );
    };
    await frameWith('the brief in the preview', 'h1', /Price Alerts/);
    await frameWith('the live portal beside it', 'body[data-ready="true"][data-connection="live"] #title', /Price Alerts/);
    assert.ok(
      page.frames().some((f) => new URL(f.url(), 'http://x').port === port || f.url().includes(`/proxy/${port}/`)),
      "the portal is the host's",
    );
    await vscode.screenshot('guest-first-view');

    // Commands: only the candidate's.
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.fill('>Faultline: ');
    await page
      .locator('.quick-input-list .monaco-list-row', { hasText: /Open Candidate Portal/ })
      .first()
      .waitFor({ state: 'visible' });
    const listed = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
    for (const title of INTERVIEWER_COMMANDS) {
      assert.ok(!listed.some((row) => row.includes(`Faultline: ${title}`)), `"${title}" is offered to the guest: ${listed.join(' | ')}`);
    }
    await page.keyboard.press('Escape');

    // Views: services (guest form) and hints; no chaos, rubric or timeline.
    await page.locator('.activitybar .action-item a[aria-label^="Faultline"]').first().click();
    await page.locator('.pane-header', { hasText: /Hints/ }).first().waitFor({ state: 'visible' });
    const headers = await page.locator('.sidebar .pane-header').allInnerTexts();
    for (const view of ['Chaos', 'Rubric', 'Timeline']) {
      assert.ok(
        !headers.some((h) => h.toUpperCase().includes(view.toUpperCase())),
        `the guest sees the ${view} view: ${headers.join(', ')}`,
      );
    }

    // The interviewer sends a hint: the guest is told, and sees it.
    const sent = await control.hintSend({ ladder: 'implement-crud' });
    await vscode.waitForNotification(/new hint from your interviewer — Creating and listing alerts/);
    await page
      .locator('.pane-body .monaco-list-row', { hasText: /Creating and listing alerts/ })
      .first()
      .waitFor({ state: 'visible' });
    await vscode.screenshot('guest-hint');

    // The portal, found through the candidate-safe session file, shows the hint and nothing more.
    const popup = page.context().waitForEvent('page', { timeout: 30_000 });
    await vscode.runCommand('Faultline: Open Candidate Portal');
    const portal = await popup;
    await portal.getByText(sent.text.slice(0, 40), { exact: false }).first().waitFor({ state: 'visible', timeout: 30_000 });
    // Directly, or through code-server's port forwarding (asExternalUri): /proxy/<port>/.
    assert.ok(new URL(portal.url()).port === port || portal.url().includes(`/proxy/${port}/`), portal.url());
    const unsent = corpus.entries.filter((e) => !(e.hint?.ladder === 'implement-crud' && (e.hint.level === 'mild' || !e.hint.level)));
    const portalText = searchableText(await portal.locator('body').innerText());
    assert.deepEqual(findLeaks(portalText, unsent), [], describeLeaks(findLeaks(portalText, unsent), 'the portal'));
    await portal.screenshot({ path: path.join(repoRoot, 'test', 'e2e', 'screenshots', 'guest-portal.png'), fullPage: true });
    await portal.close();

    // Nothing on the guest's screen…
    const screen = await page.locator('body').innerText();
    assert.deepEqual(findLeaks(screen, unsent), [], describeLeaks(findLeaks(screen, unsent), "the guest's VS Code"));
    // …and nothing in the shared workspace.
    for (const rel of filesBelow(workspace)) {
      if (rel.startsWith('.git/')) continue;
      assert.ok(!corpus.checkFileNames.includes(path.basename(rel)), `hidden check file ${rel} in the workspace`);
      const text = fs.readFileSync(path.join(workspace, rel), 'utf8');
      const leaks = findLeaks(text, unsent);
      assert.deepEqual(leaks, [], describeLeaks(leaks, rel));
    }
    // The guest's editor never started services of its own.
    assert.equal(fs.existsSync(path.join(vscode.faultlineHome, 'sessions')), false);
  },
);
