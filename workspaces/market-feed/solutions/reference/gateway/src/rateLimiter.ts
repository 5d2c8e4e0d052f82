/**
 * A sliding-window-log rate limiter whose state lives in SQLite, so every gateway replica (each
 * opening the same database file) shares it. One IMMEDIATE transaction per decision: prune, count,
 * decide, record — atomic across processes. A rejected request is not recorded.
 */
import type Database from 'better-sqlite3';
import type { NextFunction, Request, Response } from 'express';
import type { User } from './auth';

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  now?: () => number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
  retryAfterSeconds: number;
}

export class SlidingWindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly decide: (key: string, now: number) => RateDecision;

  constructor(
    readonly db: Database.Database,
    opts: RateLimitOptions,
  ) {
    this.limit = opts.limit;
    this.windowMs = opts.windowMs;
    this.now = opts.now ?? Date.now;
    db.exec(`CREATE TABLE IF NOT EXISTS rate_hits (key TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS rate_hits_key_at ON rate_hits (key, at)`);
    const prune = db.prepare('DELETE FROM rate_hits WHERE key = ? AND at <= ?');
    const count = db.prepare('SELECT COUNT(*) AS n, MIN(at) AS oldest FROM rate_hits WHERE key = ?');
    // The hit whose expiry frees the slot a retry needs: the (n - limit + 1)-th oldest.
    const nth = db.prepare('SELECT at FROM rate_hits WHERE key = ? ORDER BY at LIMIT 1 OFFSET ?');
    const record = db.prepare('INSERT INTO rate_hits (key, at) VALUES (?, ?)');
    const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
    const tx = db.transaction((key: string, now: number): RateDecision => {
      prune.run(key, now - this.windowMs);
      const { n, oldest } = count.get(key) as { n: number; oldest: number | null };
      if (n >= this.limit) {
        const freeing = (nth.get(key, n - this.limit) as { at: number }).at;
        return {
          allowed: false,
          limit: this.limit,
          remaining: 0,
          resetSeconds: seconds((oldest ?? now) + this.windowMs - now),
          retryAfterSeconds: seconds(freeing + this.windowMs - now),
        };
      }
      record.run(key, now);
      return {
        allowed: true,
        limit: this.limit,
        remaining: this.limit - n - 1,
        resetSeconds: seconds((oldest ?? now) + this.windowMs - now),
        retryAfterSeconds: 0,
      };
    });
    this.decide = (key, now) => tx.immediate(key, now);
  }

  hit(key: string): RateDecision {
    return this.decide(key, this.now());
  }
}

/** Limits each user (req.user); the headers go on every answer, allowed or not. */
export function rateLimit(limiter: SlidingWindowLimiter) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const key = `user:${(req as { user?: User }).user?.id ?? req.ip ?? 'anonymous'}`;
    let d: RateDecision;
    try {
      d = limiter.hit(key);
    } catch (err) {
      next(err);
      return;
    }
    res.setHeader('X-RateLimit-Limit', String(d.limit));
    res.setHeader('X-RateLimit-Remaining', String(d.remaining));
    res.setHeader('X-RateLimit-Reset', String(d.resetSeconds));
    if (d.allowed) {
      next();
      return;
    }
    res.setHeader('Retry-After', String(d.retryAfterSeconds));
    res
      .status(429)
      .json({ error: 'Rate limit exceeded', limit: d.limit, window: limiter.windowMs / 1000, retry_after: d.retryAfterSeconds });
  };
}
