import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { SlidingWindowLimiter } from '../gateway/src/rateLimiter';

function clock(start = 1_000_000) {
  const c = { now: start, fn: () => c.now };
  return c;
}

test('100 requests at once pass, the 101st is rejected with an honest retryAfterSeconds', () => {
  const c = clock();
  const l = new SlidingWindowLimiter(new Database(':memory:'), { limit: 100, windowMs: 60_000, now: c.fn });
  for (let i = 0; i < 100; i++) assert.equal(l.hit('u').allowed, true);
  const d = l.hit('u');
  assert.equal(d.allowed, false);
  assert.equal(d.retryAfterSeconds, 60);
  assert.equal(l.hit('other').allowed, true);
  c.now += 20_000;
  assert.equal(l.hit('u').retryAfterSeconds, 40);
});

test('the window slides: never more than the limit in any 60 s', () => {
  const c = clock(60_000 * 100 - 500);
  const l = new SlidingWindowLimiter(new Database(':memory:'), { limit: 3, windowMs: 60_000, now: c.fn });
  for (let i = 0; i < 3; i++) assert.equal(l.hit('u').allowed, true);
  c.now += 1000; // past a clock-minute boundary
  assert.equal(l.hit('u').allowed, false);
});

test('a rejected request does not count against the window', () => {
  const c = clock();
  const l = new SlidingWindowLimiter(new Database(':memory:'), { limit: 2, windowMs: 60_000, now: c.fn });
  l.hit('u');
  l.hit('u');
  c.now += 30_000;
  for (let i = 0; i < 10; i++) assert.equal(l.hit('u').allowed, false);
  c.now += 30_001;
  assert.equal(l.hit('u').allowed, true);
});

test('two limiters over the same database file share the limit', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'limiter-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'gateway.db');
  const c = clock();
  const a = new SlidingWindowLimiter(new Database(file), { limit: 10, windowMs: 60_000, now: c.fn });
  const b = new SlidingWindowLimiter(new Database(file), { limit: 10, windowMs: 60_000, now: c.fn });
  let allowed = 0;
  for (let i = 0; i < 10; i++) allowed += Number(a.hit('u').allowed) + Number(b.hit('u').allowed);
  assert.equal(allowed, 10);
});
