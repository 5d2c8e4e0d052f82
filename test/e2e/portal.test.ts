/**
 * The candidate portal in a real browser (Chromium through playwright-core) against a running
 * fixture session: the brief, the services and the countdown render; a hint sent through the
 * control API appears live (newest first, highlighted, the tab title flashes); a phase change
 * shows; light and dark colour schemes; when the session stops the page says so and reconnects
 * by itself once the session is back. Screenshots (also of failures) go to test/e2e/screenshots/.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { controlApi } from '../../extension/engine/protocol/control';
import { apiClient } from '../../extension/engine/protocol/rpc';
import { readToken } from '../../extension/engine/session';
import { cliEnv, fixtures, repoRoot, runCli, startUp, tempDir, type UpProcess } from '../helpers';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS } from '../helpers/testing';

// The page's globals, for the functions Playwright runs in it (the CSP rightly forbids evaluating strings there).
declare const document: {
  title: string;
  body: unknown;
  getElementById(id: string): { textContent: string | null } | null;
  defaultView: { getComputedStyle(element: unknown): { backgroundColor: string; color: string } };
};

const SCREENSHOTS = path.join(repoRoot, 'test', 'e2e', 'screenshots');

describe('candidate portal in Chromium', { skip: browserSkipReason ?? false }, () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  const t = { after: (fn: () => unknown) => void cleanups.push(fn) };
  const home = tempDir(t, 'faultline-home-');
  const env = cliEnv(home, { FAULTLINE_EXERCISES: path.join(fixtures, 'exercises') });
  const work = tempDir(t, 'faultline-portal-e2e-');
  const dir = path.join(work, 'ws');
  const stateFile = path.join(work, 'state.json');
  let browser: Browser | undefined;
  let up: UpProcess;

  before(async () => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const launching = chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    // Registered first, so it runs last: the browser closes after the session stopped.
    t.after(async () => {
      await (await launching.catch(() => undefined))?.close();
    });
    const created = await runCli(['new', 'fixture-basic', dir], { env });
    assert.equal(created.code, 0, created.stderr);
    [browser, up] = await Promise.all([launching, startUp(t, dir, { env, stateFile })]);
  });

  type Open = (colorScheme?: 'light' | 'dark', viewport?: { width: number; height: number }) => Promise<{ page: Page; errors: string[] }>;

  /** Runs a test with fresh portal pages; if it fails, screenshots of them go to test/e2e/screenshots/portal-<name>-failure*.png. */
  async function withPortal(tc: TestContext, name: string, body: (open: Open) => Promise<void>): Promise<void> {
    assert.ok(browser, 'Chromium is running');
    const b = browser;
    const contexts: BrowserContext[] = [];
    const pages: Page[] = [];
    const open: Open = async (colorScheme = 'light', viewport = { width: 1200, height: 860 }) => {
      const context = await b.newContext({ viewport, colorScheme });
      contexts.push(context);
      const page = await context.newPage();
      pages.push(page);
      const errors: string[] = [];
      page.on('pageerror', (err) => errors.push(err.message));
      page.on('console', (m) => {
        // A refused reconnect while the session is down is expected; anything else is a bug.
        if (m.type() === 'error' && !/Failed to load resource|WebSocket connection/.test(m.text())) errors.push(m.text());
      });
      await page.goto(up.state.portal.url);
      await page.waitForSelector('body[data-ready="true"][data-connection="live"]');
      return { page, errors };
    };
    try {
      await body(open);
    } catch (err) {
      for (const [i, page] of pages.entries()) {
        const file = path.join(SCREENSHOTS, `portal-${name}-failure${i > 0 ? `-${i}` : ''}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
        tc.diagnostic(`failure screenshot: ${file}`);
      }
      throw err;
    } finally {
      for (const c of contexts) await c.close().catch(() => undefined);
    }
  }

  const control = () => apiClient(controlApi, up.state.control.url, readToken(up.state), 60_000);

  it('shows the brief, the services and the countdown, and a sent hint at once', (tc) =>
    withPortal(tc, 'live', async (open) => {
      const { page, errors } = await open();
      assert.equal(await page.textContent('#title'), 'Fixture');
      assert.equal(await page.textContent('#brief h1'), 'Fixture exercise');
      assert.equal(await page.textContent('#brief-path'), 'README.md');
      for (const [name, s] of Object.entries(up.state.services)) {
        const link = page.locator(`#services li[data-service="${name}"] a.service-url`);
        assert.equal(await link.getAttribute('href'), new URL(s.url).href);
        assert.equal(await page.getAttribute(`#services li[data-service="${name}"]`, 'data-state'), 'up');
      }
      assert.equal(await page.textContent('#phase'), 'Phase 1 of 2: Only phase');
      const countdown = await page.textContent('#countdown');
      assert.match(countdown ?? '', /^(09|10):\d\d$/);
      assert.equal(await page.getAttribute('#countdown', 'data-state'), 'running');
      await page.waitForFunction((before) => document.getElementById('countdown')?.textContent !== before, countdown);
      assert.equal(await page.isVisible('#no-hints'), true);
      assert.equal(await page.getAttribute('#hints', 'aria-live'), 'polite');
      // What the services printed, live: a new line, and the filter by service.
      await page.waitForSelector('#log li[data-service="a"]');
      await fetch(`${up.state.services['b']!.url}/count`, { method: 'POST' }).then((r) => r.text());
      await page.waitForSelector('#log li[data-service="b"] >> text=/counted \\d+/');
      await page.selectOption('#log-service', 'a');
      assert.equal(await page.locator('#log li[data-service="b"]').count(), 0, 'filtered to a');
      assert.ok((await page.locator('#log li[data-service="a"]').count()) > 0);
      await page.selectOption('#log-service', '');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-start.png'), fullPage: true });

      await control().hintSend({ ladder: 'find-a' });
      await page.waitForSelector('#hints li.hint[data-level="mild"]');
      assert.equal(await page.textContent('#hints li.hint .hint-body'), 'Look at the services.');
      assert.equal(await page.textContent('#hints li.hint .hint-title'), 'Where is a?');
      assert.match((await page.getAttribute('#hints li.hint', 'class')) ?? '', /\bfresh\b/, 'the new hint is highlighted');
      await page.waitForFunction(() => document.title.startsWith('★ New hint'));
      assert.equal(await page.isVisible('#no-hints'), false);

      await control().hintSend({ ladder: 'find-a', level: 'strong' });
      await page.waitForSelector('#hints li.hint:first-child[data-level="strong"]');
      const items = page.locator('#hints li.hint');
      assert.deepEqual([await items.nth(0).getAttribute('data-level'), await items.nth(1).getAttribute('data-level')], ['strong', 'mild']);
      assert.equal(await page.textContent('#hint-count'), '2');

      await control().phaseStart({});
      await page.waitForFunction(() => document.getElementById('phase')?.textContent === 'Phase 2 of 2: Later phase');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-hints.png'), fullPage: true });
      assert.deepEqual(errors, []);
    }));

  it('is readable in the dark colour scheme too', (tc) =>
    withPortal(tc, 'dark', async (open) => {
      const { page: dark, errors } = await open('dark');
      const { page: light } = await open('light');
      const background = (p: Page) => p.evaluate<string>('getComputedStyle(document.body).backgroundColor');
      const color = (p: Page) => p.evaluate<string>('getComputedStyle(document.body).color');
      assert.notEqual(await background(dark), await background(light));
      assert.notEqual(await color(dark), await color(light));
      await dark.waitForSelector('#hints li.hint');
      await dark.screenshot({ path: path.join(SCREENSHOTS, 'portal-dark.png'), fullPage: true });
      assert.deepEqual(errors, []);
    }));

  it('on a 1440×900 laptop screen: the brief scrolls on its own, time, services, hints and logs stay in view', (tc) =>
    withPortal(tc, 'laptop', async (open) => {
      const { page, errors } = await open('dark', { width: 1440, height: 900 });
      await page.waitForSelector('#log li');
      const fits = await page.evaluate<{ page: number; view: number }>(
        '({ page: document.scrollingElement.scrollHeight, view: window.innerHeight })',
      );
      assert.ok(fits.page <= fits.view, `the page itself does not scroll (${fits.page} px tall in a ${fits.view} px window)`);
      for (const selector of ['#countdown', '#services', '#hints-heading', '#brief-heading', '#logs-heading', '#log']) {
        const box = await page.locator(selector).boundingBox();
        assert.ok(box, `${selector} is shown`);
        assert.ok(
          box.y >= 0 && box.y + Math.min(box.height, 40) <= 900 && box.x + box.width <= 1440,
          `${selector} is in view: ${JSON.stringify(box)}`,
        );
      }
      const style = (selector: string, property: string) =>
        page.evaluate<string>(`getComputedStyle(document.querySelector(${JSON.stringify(selector)}))[${JSON.stringify(property)}]`);
      const overflow = (selector: string) => style(selector, 'overflowY');
      assert.equal(await overflow('section.brief'), 'auto', 'the brief scrolls on its own');
      assert.equal(await overflow('#log'), 'auto', 'the log scrolls on its own');
      // The filter follows the dark scheme: a dark background with light text, like the page's cards.
      const luminance = (rgb: string) => {
        const [r = 0, g = 0, b = 0] = (rgb.match(/\d+/g) ?? []).map(Number);
        return 0.2126 * r + 0.7152 * g + 0.0722 * b;
      };
      const select = { bg: await style('#log-service', 'backgroundColor'), fg: await style('#log-service', 'color') };
      assert.ok(luminance(select.bg) < 80 && luminance(select.fg) > 160, `the Show dropdown is dark: ${JSON.stringify(select)}`);
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-laptop-1440x900.png') });
      assert.deepEqual(errors, []);
    }));

  it('says when the session is gone and reconnects by itself when it is back', (tc) =>
    withPortal(tc, 'reconnect', async (open) => {
      const { page } = await open();
      const url = up.state.portal.url;
      // The page retries within half a second and then shows "Reconnecting…", so reading the text
      // after the offline state was seen races with that retry on a loaded machine. The page itself
      // records the text at the moment the state turns offline.
      await page.evaluate(`void (window.offlineText = new Promise((resolve) => {
        const el = document.getElementById('connection');
        new MutationObserver((_, observer) => {
          if (el.dataset.state !== 'offline') return;
          observer.disconnect();
          resolve(el.textContent);
        }).observe(el, { attributes: true, attributeFilter: ['data-state'] });
      }))`);
      assert.equal(await up.interrupt(), 0);
      assert.match(await page.evaluate<string>('window.offlineText'), /Disconnected — retrying in \d+ s/);
      await page.waitForSelector('body[data-connection="offline"]'); // back to it after each refused retry
      await page.screenshot({ path: path.join(SCREENSHOTS, 'portal-offline.png'), fullPage: true });
      assert.equal(await page.locator('#hints li.hint').count(), 2, 'what was shown stays');

      up = await startUp(t, dir, { env, stateFile });
      assert.equal(up.state.portal.url, url, 'the next session takes the same port');
      await page.waitForSelector('body[data-connection="live"]', { timeout: 30_000 });
      assert.equal(await page.textContent('#connection'), 'Live');
      assert.equal(await page.locator('#hints li.hint').count(), 2);
    }));
});
