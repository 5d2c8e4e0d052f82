/**
 * The seed's limiter, ported: a sliding-window log per user in this process's memory. Every
 * request is logged, the rejected ones included.
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
  private readonly log = new Map<string, number[]>();

  constructor(
    readonly db: Database.Database,
    opts: RateLimitOptions,
  ) {
    this.limit = opts.limit;
    this.windowMs = opts.windowMs;
    this.now = opts.now ?? Date.now;
  }

  hit(key: string): RateDecision {
    const now = this.now();
    const hits = (this.log.get(key) ?? []).filter((at) => at > now - this.windowMs);
    hits.push(now);
    this.log.set(key, hits);
    const first = hits[0] ?? now;
    const reset = Math.max(1, Math.ceil((first + this.windowMs - now) / 1000));
    if (hits.length > this.limit) return { allowed: false, limit: this.limit, remaining: 0, resetSeconds: reset, retryAfterSeconds: reset };
    return { allowed: true, limit: this.limit, remaining: this.limit - hits.length, resetSeconds: reset, retryAfterSeconds: 0 };
  }
}

export function rateLimit(limiter: SlidingWindowLimiter) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const d = limiter.hit(String((req as { user?: User }).user?.id ?? req.ip));
    res.setHeader('X-RateLimit-Limit', String(d.limit));
    res.setHeader('X-RateLimit-Remaining', String(d.remaining));
    res.setHeader('X-RateLimit-Reset', String(d.resetSeconds));
    if (!d.allowed) {
      res.setHeader('Retry-After', String(d.retryAfterSeconds));
      res
        .status(429)
        .json({ error: 'Rate limit exceeded', limit: d.limit, window: limiter.windowMs / 1000, retry_after: d.retryAfterSeconds });
      return;
    }
    next();
  };
}
