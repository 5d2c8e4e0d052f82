/**
 * TASK (a): a sliding-window rate limiter — 100 requests a minute per user on /api/data and
 * /api/analytics (see the README for the full contract).
 *
 * - `hit(key)` decides one request at the time `now()`: all `limit` requests may come at once (the
 *   burst), but never more than `limit` in ANY window of `windowMs` (sliding, not fixed minutes).
 * - A rejected request must NOT count against the window (or a client that keeps retrying would
 *   stay locked out for ever).
 * - The gateway runs several replicas: the state must be shared through the database `db` (every
 *   replica opens the same SQLite file), not kept in memory.
 * - `rateLimit(...)` puts X-RateLimit-Limit / -Remaining / -Reset on every answer, and answers 429
 *   {error: "Rate limit exceeded", limit, window, retry_after} with a Retry-After header.
 */
import type Database from 'better-sqlite3';
import type { NextFunction, Request, Response } from 'express';

export interface RateLimitOptions {
  limit: number;
  windowMs: number;
  /** The clock (ms); tests pass a fake one. */
  now?: () => number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** Requests still allowed in the current window after this one. */
  remaining: number;
  /** Seconds until the window has room for `limit` requests again (X-RateLimit-Reset). */
  resetSeconds: number;
  /** When rejected: seconds until a retry can succeed (Retry-After); 0 when allowed. */
  retryAfterSeconds: number;
}

export class SlidingWindowLimiter {
  readonly limit: number;
  readonly windowMs: number;
  private readonly now: () => number;

  constructor(
    readonly db: Database.Database,
    opts: RateLimitOptions,
  ) {
    this.limit = opts.limit;
    this.windowMs = opts.windowMs;
    this.now = opts.now ?? Date.now;
  }

  hit(key: string): RateDecision {
    // TODO(a): count the requests of `key` in the last windowMs (in the database), decide, record.
    void key;
    void this.now;
    return { allowed: true, limit: this.limit, remaining: this.limit, resetSeconds: 0, retryAfterSeconds: 0 };
  }
}

/** Express middleware: limits each user (req.user, set by requireUser) with `limiter`. */
export function rateLimit(limiter: SlidingWindowLimiter) {
  return (req: Request, res: Response, next: NextFunction): void => {
    // TODO(a): call limiter.hit(<user>), set the X-RateLimit-* headers, answer 429 when rejected.
    void limiter;
    void req;
    void res;
    next();
  };
}
