/**
 * The order-system web page in a real browser (Chromium through playwright-core), against the
 * `web` service of `faultline up` for the starter and the reference solution: a normal order is
 * confirmed and shows up in the history with its total; ordering 10 × Webcam HD (3 in stock) is
 * "confirmed" by the starter (the guide's issue 1, as the candidate would see it) and refused
 * with the inventory's reason by the reference. Screenshots of both go to
 * <tmpdir>/faultline-artifacts/order-system.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { browserSkipReason, CHROMIUM, CHROMIUM_ARGS, cliEnv, runCli, startUp, tempDir, type UpProcess } from 'faultline/testing';

const ARTIFACTS = path.join(os.tmpdir(), 'faultline-artifacts', 'order-system');
const VARIANTS = ['starter', 'reference'] as const;
type Variant = (typeof VARIANTS)[number];

interface OrderBody {
  id: number;
  status: string;
  total: number;
}

/** Submits the order form and waits until the page has shown the answer and refreshed its tables. */
async function placeOrder(page: Page, productId: number, quantity: number): Promise<{ status: number; body: unknown }> {
  const refreshes = Number(await page.getAttribute('body', 'data-refreshes'));
  await page.selectOption('#product-select', String(productId));
  await page.fill('#quantity', String(quantity));
  const [response] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/orders' && r.request().method() === 'POST'),
    page.click('#place-order'),
  ]);
  await page.waitForSelector(`body[data-refreshes="${refreshes + 1}"]`);
  return { status: response.status(), body: (await response.json()) as unknown };
}

async function stockShown(page: Page, productId: number): Promise<string | null> {
  return page.textContent(`[data-testid="product-row-${productId}"] [data-testid="product-stock"]`);
}

describe('order-system web frontend in Chromium', { skip: browserSkipReason ?? false }, () => {
  const cleanups: (() => unknown)[] = [];
  after(async () => {
    for (const fn of cleanups.reverse()) await fn();
  });
  const t = { after: (fn: () => unknown) => cleanups.push(fn) };
  const home = tempDir(t, 'faultline-home-');
  const work = tempDir(t, 'faultline-os-e2e-');
  const env = cliEnv(home);

  let browser: Browser | undefined;
  const sessions = new Map<Variant, UpProcess>();

  before(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const launching = chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    // Registered first, so it runs last: the browser closes after the sessions stopped.
    t.after(async () => {
      await (await launching.catch(() => undefined))?.close();
    });
    await Promise.all([
      launching.then((b) => (browser = b)),
      ...VARIANTS.map(async (variant) => {
        const dir = path.join(work, variant);
        const r = await runCli(['new', 'order-system', dir, ...(variant === 'starter' ? [] : ['--solution', variant])], { env });
        assert.equal(r.code, 0, r.stderr);
        sessions.set(variant, await startUp(t, dir, { env, stateFile: path.join(work, `${variant}.state.json`) }));
      }),
    ]);
  });

  for (const variant of VARIANTS) {
    it(`${variant}: a normal order, then 10 × Webcam HD with 3 in stock ${variant === 'starter' ? 'is confirmed (issue 1)' : 'is refused'}`, async (tc) => {
      assert.ok(browser);
      const webUrl = sessions.get(variant)?.state.services['web']?.url;
      assert.ok(webUrl, 'the web service is up');
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      tc.after(() => context.close());
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (err) => pageErrors.push(err.message));

      await page.goto(webUrl);
      await page.waitForSelector('body[data-refreshes="1"]');
      assert.equal(await page.textContent('[data-testid="product-row-3"] td'), 'USB-C Hub');
      assert.equal(await stockShown(page, 4), '3');
      assert.equal(await page.locator('#product-select option').count(), 8);

      // A normal order: 2 × USB-C Hub at $49.99.
      const normal = await placeOrder(page, 3, 2);
      assert.equal(normal.status, 201, JSON.stringify(normal.body));
      const order = normal.body as OrderBody;
      assert.equal(await page.isVisible('#order-result'), true);
      assert.equal(await page.textContent('#order-result'), `Order #${order.id} confirmed — total $99.98`);
      assert.equal(await page.isVisible('#order-error'), false);
      const row = page.locator(`[data-testid="order-row-${order.id}"]`);
      assert.equal(await row.locator('[data-testid="order-total"]').textContent(), '$99.98');
      assert.equal(await row.locator('[data-testid="order-status"]').textContent(), 'confirmed');
      assert.equal(await stockShown(page, 3), '38');

      // 10 × Webcam HD with 3 in stock.
      const rowsBefore = await page.locator('#orders-table tbody tr').count();
      const overstock = await placeOrder(page, 4, 10);
      const screenshot = path.join(ARTIFACTS, `${variant}-overstock-order.png`);
      await page.screenshot({ path: screenshot, fullPage: true });
      tc.diagnostic(`screenshot: ${screenshot}`);

      if (variant === 'starter') {
        assert.equal(overstock.status, 201);
        const bad = overstock.body as OrderBody;
        assert.equal(await page.textContent('#order-result'), `Order #${bad.id} confirmed — total $799.90`);
        const badRow = page.locator(`[data-testid="order-row-${bad.id}"]`);
        assert.equal(await badRow.getAttribute('data-status'), 'confirmed');
        assert.equal(await badRow.locator('[data-testid="order-total"]').textContent(), '$799.90');
      } else {
        assert.equal(overstock.status, 400);
        assert.equal(await page.isVisible('#order-error'), true);
        assert.equal(await page.textContent('#order-error'), 'Insufficient stock for Webcam HD: requested 10, available 3');
        assert.equal(await page.isVisible('#order-result'), false);
        assert.equal(await page.locator('#orders-table tbody tr').count(), rowsBefore, 'no new order in the history');
      }
      assert.equal(await stockShown(page, 4), '3', 'the stock was not taken either way');
      assert.deepEqual(pageErrors, []);
      assert.ok(fs.statSync(screenshot).size > 0);
    });
  }
});
