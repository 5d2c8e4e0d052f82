/**
 * TASK (b): an LRU cache with a per-entry TTL, for option chains.
 *
 * - At most `capacity` entries; inserting into a full cache evicts the least recently USED entry
 *   (a get counts as a use).
 * - Every entry expires `ttlMs` after it was set (or after the TTL given to `set`); an expired
 *   entry is a miss and is removed.
 * - stats(): hits, misses, evictions (capacity only), expirations, size, capacity and hitRate =
 *   hits / (hits + misses), rounded to 3 decimals (0 before any get).
 * - get and set in O(1).
 */

export interface CacheOptions {
  capacity: number;
  ttlMs: number;
  /** The clock (ms); tests pass a fake one. */
  now?: () => number;
}

export interface CacheStats {
  size: number;
  capacity: number;
  hits: number;
  misses: number;
  evictions: number;
  expirations: number;
  hitRate: number;
}

export class LRUCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly opts: CacheOptions) {}

  get(key: string): V | undefined {
    // TODO(b): LRU order, TTL, hit/miss counting.
    return this.entries.get(key);
  }

  set(key: string, value: V, ttlMs?: number): void {
    // TODO(b): capacity and eviction, per-entry TTL.
    void ttlMs;
    this.entries.set(key, value);
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  stats(): CacheStats {
    // TODO(b)
    return { size: this.entries.size, capacity: this.opts.capacity, hits: 0, misses: 0, evictions: 0, expirations: 0, hitRate: 0 };
  }
}
