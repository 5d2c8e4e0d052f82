/**
 * An interview in real VS Code (code-server + Chromium), from an empty window to a scorecard:
 * New Interview → price-alerts services healthy → logs in the Output panel → a chaos mode from
 * the palette, observable over HTTP → a hint, visible in the candidate portal and HINTS.md →
 * the rubric in the Testing view → the scorecard exported. Live Share is the test double in
 * test/fixtures (host role): every service and the portal get shared.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import type { SessionState } from '../../extension/engine/session';
import { readTimeline } from '../../extension/engine/timeline';
import { e2eTest, repoRoot } from './vscode';

const temps: string[] = [];
after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});
function temp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

const interviews = temp('faultline-e2e-interviews-');
const scorecards = temp('faultline-e2e-scorecards-');
const liveShareLog = path.join(temp('faultline-e2e-live-share-'), 'calls.jsonl');

/** The running session's state, as the extension wrote it in FAULTLINE_HOME. */
function sessionState(home: string): SessionState | undefined {
  const sessions = path.join(home, 'sessions');
  for (const dir of fs.existsSync(sessions) ? fs.readdirSync(sessions) : []) {
    const file = path.join(sessions, dir, 'state.json');
    if (!fs.existsSync(file)) continue;
    const state = JSON.parse(fs.readFileSync(file, 'utf8')) as SessionState;
    if (!state.stoppedAt) return state;
  }
  return undefined;
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

e2eTest(
  'an interview from New Interview to the scorecard',
  {
    timeoutMs: 6 * 60_000,
    // The editor's AI features on for the user: the interview's policy ("off") turns them off in the workspace.
    settings: { 'faultline.workspacesFolder': interviews, 'faultline.scorecardsFolder': scorecards, 'chat.disableAIFeatures': false },
    env: { FAULTLINE_FAKE_LIVE_SHARE_ROLE: 'host', FAULTLINE_FAKE_LIVE_SHARE_LOG: liveShareLog },
    extraExtensions: [path.join(repoRoot, 'test', 'fixtures', 'vscode-extensions', 'fake-live-share')],
  },
  async (vscode, t) => {
    const { page } = vscode;
    // 1. New Interview: exercise, folder (the suggestion, in the configured folder), then the new window starts the services.
    await vscode.runCommand('Faultline: New Interview…');
    await vscode.quickPick('Price Alerts');
    await vscode.inputBox(path.join(interviews, 'candidate-ada'));
    await vscode.quickPick('AI assistance off');
    const workspace = path.join(interviews, 'candidate-ada');
    const state = await until('the services to be healthy', () => sessionState(vscode.faultlineHome), 120_000);
    assert.equal(state.workspace, fs.realpathSync(workspace));
    assert.equal(state.mode, 'interview');
    const api = state.services['api'];
    assert.ok(api, JSON.stringify(state.services));
    assert.equal((await fetch(`${api.url}/health`)).status, 200);
    assert.ok(!fs.existsSync(path.join(workspace, 'interviewer')), 'no interviewer material in the candidate workspace');
    // The first view: the Faultline view beside the brief in Markdown preview; the guide one click away.
    await page
      .locator('.pane-header', { hasText: /Services/ })
      .first()
      .waitFor({ state: 'visible' });
    await page
      .locator('.tabs-container .tab', { hasText: /Preview README\.md/ })
      .first()
      .waitFor({ state: 'visible' });
    await page.locator('.pane-header .action-label[aria-label="Open Interviewer Guide"]').first().waitFor({ state: 'attached' });
    // AI assistance off: the workspace settings took the chat and Copilot controls away, and the view says the policy holds.
    const settings = JSON.parse(fs.readFileSync(path.join(workspace, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(settings['chat.disableAIFeatures'], true);
    await page
      .locator('.pane-body .monaco-list-row', { hasText: /AI assistance: off — holds/ })
      .first()
      .waitFor({ state: 'visible' });
    assert.equal(await page.locator('.part.titlebar [aria-label="Toggle Chat"]').count(), 0, 'no chat button in the title bar');
    assert.equal(await page.locator('.part.statusbar [aria-label="Copilot status"]').count(), 0, 'no Copilot in the status bar');
    assert.equal(await page.locator('.part.auxiliarybar').isVisible(), false, 'no chat pane');
    await vscode.screenshot('interview-0-first-view');
    await vscode.outputChannelText('Faultline', { contains: /Price Alerts is running \(interview, Node \d+/ });
    await vscode.openView('Services');
    await page
      .locator('.pane-body .monaco-list-row', { hasText: /Trading API/ })
      .first()
      .waitFor({ state: 'visible' });
    await page
      .locator('.pane-body .monaco-list-row', { hasText: /healthy/ })
      .first()
      .waitFor({ state: 'visible' });
    await vscode.screenshot('interview-1-services');

    // 2. Logs of the service in its own Output channel, with levels.
    await vscode.runCommand('Faultline: Open Service Logs');
    const logs = await vscode.outputChannelText('Faultline: api', { contains: /listening|started|healthy/i });
    assert.match(logs, /\[(info|warning|error)\]/, logs.slice(0, 400));
    await vscode.screenshot('interview-2-logs');

    // 3. Chaos from the palette, observable over HTTP (bad stock data in the database).
    await vscode.runCommand('Faultline: Activate Chaos Mode…');
    await vscode.quickPick('Chaos: Data Inconsistencies');
    await vscode.waitForNotification(/chaos mode chaos_data is active/);
    // The progress of the activation was in the status bar: no "activating" toast lingers under the result.
    assert.equal(await page.locator('.notification-toast', { hasText: /activating chaos_data/ }).count(), 0);
    const scenario = (await (await fetch(`${api.url}/scenario`)).json()) as { mode?: string; active?: unknown };
    assert.match(JSON.stringify(scenario), /chaos_data/);
    await page
      .locator('.statusbar-item', { hasText: /chaos_data/ })
      .first()
      .waitFor({ state: 'visible' });
    await vscode.screenshot('interview-3-chaos');

    // 4. A hint: HINTS.md in the workspace and, live, the candidate portal.
    const portal = await vscode.page.context().newPage();
    await portal.goto(state.portal.url);
    await portal.locator('body').waitFor({ state: 'visible' });
    await vscode.runCommand('Faultline: Send Hint…');
    await vscode.quickPick('Bad stock data');
    await vscode.waitForNotification(/sent the mild hint for “Bad stock data”/);
    const hints = fs.readFileSync(path.join(workspace, 'HINTS.md'), 'utf8');
    assert.match(hints, /## Bad stock data — mild/);
    const hintText = (hints.split(/## Bad stock data — mild[^\n]*\n/)[1] ?? '').trim().split('\n')[0] ?? '';
    assert.ok(hintText.length > 10, hints);
    await portal.getByText(hintText.slice(0, 40), { exact: false }).first().waitFor({ state: 'visible', timeout: 15_000 });
    await portal.screenshot({ path: path.join(repoRoot, 'test', 'e2e', 'screenshots', 'interview-4-portal.png'), fullPage: true });
    await portal.close();
    await vscode.runCommand('Faultline: Reset Chaos');
    await vscode.waitForNotification(/chaos chaos_data reset/);

    // 5. The hidden rubric, reported in the Testing view. Its checks are listed before any run:
    // open the first category, so that its checks' results show as they arrive.
    await vscode.openView('Testing');
    const category = page.locator('.monaco-list-row', { hasText: /Price Alerts work \(junior\)/ }).first();
    await category.waitFor({ state: 'visible' });
    await category.click();
    await page.keyboard.press('ArrowRight');
    const finished = page.locator('.notifications-toasts .notification-list-item-message', { hasText: /rubric finished/ });
    const started = Date.now();
    await vscode.runCommand('Faultline: Run Rubric');
    await vscode.quickPick('Every check');
    // Results stream in: the first check's result shows while the rest of the rubric still runs.
    await page
      .locator('.test-explorer .monaco-list-row')
      .filter({ has: page.locator('.codicon-testing-failed-icon, .codicon-testing-passed-icon') })
      .first()
      .waitFor({ state: 'visible' });
    const firstResultMs = Date.now() - started;
    assert.equal(await finished.count(), 0, 'the first result arrived only when the whole rubric had finished');
    t.diagnostic(`first rubric result in the Testing view ${firstResultMs} ms after Run Rubric`);
    await vscode.waitForNotification(/rubric finished — 0 \/ 40/, { timeoutMs: 180_000 });
    // The categories of the rubric, failed on the untouched starter.
    await category.locator('.codicon-testing-failed-icon').waitFor({ state: 'visible' });
    await page
      .locator('.monaco-list-row', { hasText: /Lists alerts|Creates alerts|alert/i })
      .nth(1)
      .waitFor({ state: 'visible' });
    await vscode.screenshot('interview-5-testing');
    const events = readTimeline(path.join(state.sessionDir, 'timeline.jsonl'));
    assert.ok(events.some((e) => e.type === 'rubric.end'));

    // 6. The scorecard, outside the candidate workspace.
    await vscode.runCommand('Faultline: Export Scorecard');
    const saved = await vscode.waitForNotification(/scorecard saved/);
    const html = fs.readdirSync(scorecards).find((f) => f.endsWith('.html'));
    assert.ok(html, saved);
    const card = fs.readFileSync(path.join(scorecards, html), 'utf8');
    assert.match(card, /Price Alerts/);
    assert.match(card, /Bad stock data/, 'the hint is on the scorecard');
    assert.match(card, /chaos_data/, 'the chaos activation is on the timeline');
    // The scorecard as a committee sees it, light and dark: the summary first, then the details.
    for (const colorScheme of ['light', 'dark'] as const) {
      const reader = await vscode.browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
      await reader.goto(`file://${path.join(scorecards, html)}`);
      const glance = reader.locator('section.summary');
      await glance.waitFor({ state: 'visible' });
      const facts = (await glance.innerText()).replace(/\s+/g, ' ');
      assert.match(facts, /AI assistance off \(editor AI chat and completions turned off\)/);
      assert.match(facts, /Hints 1 \(Bad stock data: mild\)/);
      assert.match(facts, /Chaos modes chaos_data/);
      assert.match(facts, /Automatic checks 0 of \d+ passed/);
      const sections = await reader.locator('main > section h2').allInnerTexts();
      assert.deepEqual(
        sections.slice(0, 2).map((h) => h.split(/\s/)[0]),
        ['At', 'Score'],
        `the order of the sections: ${sections.join(' | ')}`,
      );
      for (const part of ['Hints used', 'Timeline', "The candidate's tests"])
        assert.ok(
          sections.some((h) => h.startsWith(part)),
          part,
        );
      const background = await reader.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      assert.equal(background === 'rgb(13, 17, 23)', colorScheme === 'dark', `${colorScheme} background: ${background}`);
      await reader.screenshot({
        path: path.join(repoRoot, 'test', 'e2e', 'screenshots', `interview-6-scorecard-${colorScheme}.png`),
        fullPage: true,
      });
      await reader.close();
    }

    // Live Share (host): every service and the portal were shared.
    const shared = fs
      .readFileSync(liveShareLog, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; port?: number; displayName?: string });
    const ports = shared.filter((c) => c.type === 'shareServer').map((c) => c.port);
    assert.ok(ports.includes(Number(new URL(api.url).port)), JSON.stringify(shared));
    assert.ok(ports.includes(Number(new URL(state.portal.url).port)), JSON.stringify(shared));
  },
);
