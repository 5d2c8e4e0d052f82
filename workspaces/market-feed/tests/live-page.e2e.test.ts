/**
 * The gateway's live page in a real browser (Chromium through playwright-core), through the load
 * balancer of `faultline up` with the reference solution: prices and the NIFTY chain update live
 * over the WebSocket, and hammering the REST chain endpoint shows the 429 clearly. A screenshot
 * goes to <tmpdir>/faultline-artifacts/market-feed.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, cliEnv, runCli, startUp, tempDir, type UpProcess } from 'faultline/testing';

const ARTIFACTS = path.join(os.tmpdir(), 'faultline-artifacts', 'market-feed');

describe('market-feed live page in Chromium', { skip: browserSkipReason ?? false }, () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  const t = { after: (fn: () => unknown) => cleanups.push(fn) };
  const work = tempDir(t, 'faultline-mf-e2e-');
  const env = cliEnv(tempDir(t, 'faultline-home-'));
  let browser: Browser | undefined;
  let session: UpProcess | undefined;

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const launching = chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    t.after(async () => {
      await (await launching.catch(() => undefined))?.close();
    });
    const dir = path.join(work, 'reference');
    const r = await runCli(['new', 'market-feed', dir, '--solution', 'reference'], { env });
    assert.equal(r.code, 0, r.stderr);
    [browser, session] = await Promise.all([launching, startUp(t, dir, { env, stateFile: path.join(work, 'state.json') })]);
  });

  it('ticks and the chain update live, and the 429 is shown when the limit is hit', async (tc) => {
    assert.ok(browser);
    const lb = session?.state.services['lb']?.url;
    assert.ok(lb, 'the load balancer is up');
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    tc.after(() => context.close());
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    await page.goto(`${lb}/live`);

    await page.waitForSelector('#status.ok', { timeout: 20_000 });
    // At one tick a second: a price, a 21-strike chain, and updates that keep coming.
    const updates = (atLeast: number) => `Number(document.getElementById('updates').textContent) >= ${atLeast}`;
    await page.waitForFunction(updates(2), undefined, { timeout: 20_000 });
    const first = Number(await page.textContent('#updates'));
    await page.waitForFunction(updates(first + 4), undefined, { timeout: 20_000 });
    assert.match((await page.textContent('#price')) ?? '', /^\d+\.\d{2}$/);
    assert.equal(await page.locator('#chain tr').count(), 21);
    assert.match((await page.textContent('#maxpain')) ?? '', /^\d+$/);

    await page.click('#hammer');
    await page.waitForSelector('#limit.limited', { timeout: 60_000 });
    const limit = (await page.textContent('#limit')) ?? '';
    assert.match(limit, /Rate limit exceeded \(429\) after 100 requests/);
    assert.match(limit, /retry after \d+ s/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'live.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
