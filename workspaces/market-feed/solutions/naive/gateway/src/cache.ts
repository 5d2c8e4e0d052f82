/** An LRU cache (the TTL is accepted and ignored; only hits and misses are counted). */

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

export class LRUCache<V> {
  private readonly entries = new Map<string, V>();
  private hits = 0;
  private misses = 0;

  constructor(private readonly opts: CacheOptions) {}

  get(key: string): V | undefined {
    const v = this.entries.get(key);
    if (v === undefined) this.misses += 1;
    else {
      this.hits += 1;
      this.entries.delete(key);
      this.entries.set(key, v);
    }
    return v;
  }

  set(key: string, value: V, _ttlMs?: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.opts.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, value);
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
      evictions: 0,
      expirations: 0,
      hitRate: total === 0 ? 0 : this.hits / total,
    };
  }
}
