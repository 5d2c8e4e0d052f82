/**
 * Faultline in real VS Code (code-server 4.139.1 = VS Code 1.139.1, driven through Chromium): the
 * extension activates and logs the bundled exercises in its "Faultline" log channel; an author
 * opens a copy of price-alerts' exercise.json, breaks a chaos fault's type in the editor (unsaved),
 * and the manifest language server's diagnostic shows up in the Problems panel and as a squiggle.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after } from 'node:test';
import { e2eTest, repoRoot } from './vscode';

const temps: string[] = [];
after(() => {
  for (const dir of temps) fs.rmSync(dir, { recursive: true, force: true });
});

/** An author's checkout in miniature: workspaces/price-alerts (copied) and schemas/ for its "$schema". */
function authorProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-vscode-project-'));
  temps.push(dir);
  fs.cpSync(path.join(repoRoot, 'workspaces', 'price-alerts'), path.join(dir, 'workspaces', 'price-alerts'), { recursive: true });
  fs.cpSync(path.join(repoRoot, 'schemas'), path.join(dir, 'schemas'), { recursive: true });
  return dir;
}

e2eTest('manifest diagnostics from the language server in VS Code', { folder: authorProject }, async (vscode) => {
  // The extension activated (onStartupFinished) and loaded the bundled catalog.
  const log = await vscode.outputChannelText('Faultline', { contains: /Faultline \S+: .*price-alerts/ });
  assert.match(log, /order-system/, log);
  await vscode.showOutputChannel('Faultline');
  await vscode.screenshot('language-server-activated');

  const editor = await vscode.openFile('workspaces/price-alerts/exercise.json');
  const { page } = vscode;
  // The fault type appears once in this manifest; replace it in the editor (unsaved), as an author would.
  await editor.click();
  await page.keyboard.press('Control+H');
  const find = page.locator('.find-widget .find-part .input');
  await find.waitFor({ state: 'visible' });
  await find.fill('"concurrent_burst"');
  await page.locator('.find-widget .matchesCount', { hasText: /^1 of 1$/ }).waitFor({ state: 'visible' });
  await page.locator('.find-widget .replace-part .input').fill('"concurrent_brust"');
  await page.keyboard.press('Control+Alt+Enter'); // Replace All
  await page.locator('.find-widget .matchesCount', { hasText: /No results/ }).waitFor({ state: 'visible' });
  await page.keyboard.press('Escape');

  const rows = await vscode.problems({ contains: /unknown fault type "concurrent_brust"/ });
  const row = rows.find((r) => r.includes('unknown fault type "concurrent_brust"'));
  assert.ok(row, `no Faultline diagnostic in the Problems panel: ${JSON.stringify(rows)}`);
  assert.match(row, /known: .*latency/, row);
  // …and the editor squiggles the value.
  await page.locator('.editor-group-container.active .monaco-editor .squiggly-error').first().waitFor({ state: 'attached' });
});
