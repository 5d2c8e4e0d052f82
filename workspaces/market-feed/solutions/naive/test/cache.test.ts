import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LRUCache } from '../gateway/src/cache';

test('a value set can be read back', () => {
  const c = new LRUCache<number>({ capacity: 3, ttlMs: 1000 });
  c.set('a', 1);
  assert.equal(c.get('a'), 1);
});
