/**
 * Accounts and tokens (provided). bcrypt password hashes; JWTs signed with JWT_SECRET (HS256):
 * an access token (15 min) and a refresh token (7 days). Expiry is always checked.
 */
import bcrypt from 'bcryptjs';
import type Database from 'better-sqlite3';
import type { NextFunction, Request, Response } from 'express';
import express from 'express';
import jwt from 'jsonwebtoken';

export interface User {
  id: number;
  username: string;
}

export class AuthError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Auth {
  constructor(
    private readonly db: Database.Database,
    private readonly secret: string,
    private readonly accessTtlSeconds = 15 * 60,
  ) {}

  async register(username: unknown, password: unknown): Promise<User> {
    if (typeof username !== 'string' || !/^[A-Za-z0-9_.-]{3,40}$/.test(username))
      throw new AuthError(400, 'username must be 3 to 40 letters, digits, "_", "." or "-"');
    if (typeof password !== 'string' || password.length < 6) throw new AuthError(400, 'password must have at least 6 characters');
    if (this.db.prepare('SELECT 1 FROM users WHERE username = ?').get(username)) throw new AuthError(409, 'User already exists');
    const hash = await bcrypt.hash(password, 8);
    try {
      const r = this.db
        .prepare('INSERT INTO users (username, password_hash, created_at) VALUES (?, ?, ?)')
        .run(username, hash, new Date().toISOString());
      return { id: Number(r.lastInsertRowid), username };
    } catch {
      throw new AuthError(409, 'User already exists');
    }
  }

  async login(username: unknown, password: unknown): Promise<User> {
    if (typeof username !== 'string' || typeof password !== 'string') throw new AuthError(400, 'username and password are required');
    const row = this.db.prepare('SELECT id, username, password_hash FROM users WHERE username = ?').get(username) as
      { id: number; username: string; password_hash: string } | undefined;
    if (!row || !(await bcrypt.compare(password, row.password_hash))) throw new AuthError(401, 'Invalid credentials');
    return { id: row.id, username: row.username };
  }

  tokens(user: User): { token: string; refresh_token: string } {
    return {
      token: jwt.sign({ sub: String(user.id), username: user.username, typ: 'access' }, this.secret, { expiresIn: this.accessTtlSeconds }),
      refresh_token: jwt.sign({ sub: String(user.id), username: user.username, typ: 'refresh' }, this.secret, { expiresIn: '7d' }),
    };
  }

  /** The user of a valid, unexpired token of the given type; AuthError 401 otherwise. */
  verify(token: unknown, typ: 'access' | 'refresh' = 'access'): User {
    if (typeof token !== 'string' || token === '') throw new AuthError(401, 'missing token');
    let claims: jwt.JwtPayload | string;
    try {
      claims = jwt.verify(token, this.secret, { algorithms: ['HS256'] });
    } catch (err) {
      throw new AuthError(401, err instanceof jwt.TokenExpiredError ? 'token expired' : 'invalid token');
    }
    if (typeof claims === 'string' || claims['typ'] !== typ) throw new AuthError(401, `not an ${typ} token`);
    return { id: Number(claims.sub), username: String(claims['username']) };
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
  }
}

/** Requires `Authorization: Bearer <access token>`; sets req.user. */
export function requireUser(auth: Auth) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const header = req.headers.authorization ?? '';
    try {
      req.user = auth.verify(header.startsWith('Bearer ') ? header.slice(7) : '');
      next();
    } catch (err) {
      res.status(401).json({ error: err instanceof AuthError ? err.message : 'unauthorized' });
    }
  };
}

export function authRoutes(auth: Auth): express.Router {
  const r = express.Router();
  const handle =
    (fn: (req: Request, res: Response) => Promise<void>) =>
    (req: Request, res: Response): void => {
      fn(req, res).catch((err: unknown) => {
        if (err instanceof AuthError) res.status(err.status).json({ error: err.message });
        else res.status(500).json({ error: 'internal error' });
      });
    };
  const body = (req: Request): Record<string, unknown> =>
    req.body !== null && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  r.post(
    '/register',
    handle(async (req, res) => {
      const user = await auth.register(body(req)['username'], body(req)['password']);
      res.status(201).json({ message: 'User registered', ...auth.tokens(user), user });
    }),
  );
  r.post(
    '/login',
    handle(async (req, res) => {
      const user = await auth.login(body(req)['username'], body(req)['password']);
      res.json({ message: 'Logged in', ...auth.tokens(user), user });
    }),
  );
  r.post(
    '/refresh',
    handle(async (req, res) => {
      const user = auth.verify(body(req)['refresh_token'], 'refresh');
      res.json({ message: 'Token refreshed', token: auth.tokens(user).token, user });
    }),
  );
  return r;
}
