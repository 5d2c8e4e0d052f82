import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LRUCache } from '../gateway/src/cache';

test('evicts the least recently used entry', () => {
  const c = new LRUCache<number>({ capacity: 3, ttlMs: 1000 });
  c.set('x', 1);
  c.set('y', 2);
  c.set('z', 3);
  c.get('x');
  c.set('w', 4);
  assert.equal(c.get('y'), undefined);
  assert.equal(c.get('x'), 1);
  assert.equal(c.stats().evictions, 1);
});

test('entries expire after their TTL', () => {
  let now = 0;
  const c = new LRUCache<number>({ capacity: 3, ttlMs: 2000, now: () => now });
  c.set('a', 1);
  c.set('e', 5, 1000);
  now = 1100;
  assert.equal(c.get('e'), undefined);
  assert.equal(c.get('a'), 1);
  now = 2100;
  assert.equal(c.get('a'), undefined);
  assert.equal(c.stats().expirations, 2);
});

test("the seed's sequence: 9 hits, 3 misses, 3 evictions", () => {
  let now = 0;
  const c = new LRUCache<number>({ capacity: 3, ttlMs: 2000, now: () => now });
  c.set('a', 1);
  c.set('b', 2);
  c.set('c', 3);
  c.get('a');
  c.get('b');
  c.get('c');
  c.set('d', 4);
  assert.equal(c.get('a'), undefined);
  c.get('d');
  c.set('e', 5, 1000);
  c.get('e');
  now += 1100;
  assert.equal(c.get('e'), undefined);
  c.clear();
  c.set('x', 1);
  c.set('y', 2);
  c.set('z', 3);
  c.get('x');
  c.set('w', 4);
  c.get('x');
  c.get('y');
  c.get('z');
  c.get('w');
  const s = c.stats();
  assert.deepEqual([s.hits, s.misses, s.evictions, s.hitRate], [9, 3, 3, 0.75]);
});
