/**
 * LRU + TTL. A Map keeps insertion order: re-inserting a key on every use makes its first key the
 * least recently used one, so get/set/evict are O(1).
 */

export interface CacheOptions {
  capacity: number;
  ttlMs: number;
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

interface Entry<V> {
  value: V;
  expiresAt: number;
}

export class LRUCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly now: () => number;
  private hits = 0;
  private misses = 0;
  private evictions = 0;
  private expirations = 0;

  constructor(private readonly opts: CacheOptions) {
    if (!Number.isInteger(opts.capacity) || opts.capacity < 1) throw new RangeError('capacity must be a positive integer');
    if (!(opts.ttlMs > 0)) throw new RangeError('ttlMs must be positive');
    this.now = opts.now ?? Date.now;
  }

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) {
      this.misses += 1;
      return undefined;
    }
    this.entries.delete(key);
    if (this.now() >= e.expiresAt) {
      this.expirations += 1;
      this.misses += 1;
      return undefined;
    }
    this.entries.set(key, e);
    this.hits += 1;
    return e.value;
  }

  set(key: string, value: V, ttlMs = this.opts.ttlMs): void {
    this.entries.delete(key);
    if (this.entries.size >= this.opts.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) {
        this.entries.delete(oldest);
        this.evictions += 1;
      }
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  stats(): CacheStats {
    const total = this.hits + this.misses;
    return {
      size: this.entries.size,
      capacity: this.opts.capacity,
      hits: this.hits,
      misses: this.misses,
      evictions: this.evictions,
      expirations: this.expirations,
      hitRate: total === 0 ? 0 : Math.round((this.hits / total) * 1000) / 1000,
    };
  }
}
