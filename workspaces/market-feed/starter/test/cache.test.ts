import { test } from 'node:test';

// TODO(b): test the cache (a fake clock: `new LRUCache({ capacity, ttlMs, now })`).
test.todo('evicts the least recently used entry');
test.todo('entries expire after their TTL');
test.todo('stats: hits, misses, evictions, hit rate');
