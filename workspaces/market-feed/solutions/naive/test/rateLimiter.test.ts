import assert from 'node:assert/strict';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { SlidingWindowLimiter } from '../gateway/src/rateLimiter';

test('the 101st request is rejected', () => {
  const l = new SlidingWindowLimiter(new Database(':memory:'), { limit: 100, windowMs: 60_000 });
  for (let i = 0; i < 100; i++) l.hit('u');
  assert.equal(l.hit('u').allowed, false);
});
