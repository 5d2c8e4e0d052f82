import type { NextFunction, Request, Response } from 'express';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import type { User } from './schema';
import { findUserByUsername, verifyAccessToken } from './service';

const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

const authenticatedUsers = new WeakMap<object, User>();

/** Generic over the route parameters so it can precede any typed route handler. */
export type AuthMiddleware = <P>(req: Request<P>, res: Response, next: NextFunction) => Promise<void>;

/**
 * Requires `Authorization: Bearer <token>`.
 *  - no (bearer) credentials      -> 401 "Not authenticated"
 *  - invalid/expired/unknown user -> 401 "Could not validate credentials"
 * On success the user is available through `currentUser(req)`.
 */
export function requireAuth({ db, config }: AppContext): AuthMiddleware {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    const separator = header ? header.indexOf(' ') : -1;
    const scheme = header ? (separator === -1 ? header : header.slice(0, separator)) : '';
    if (!header || scheme.toLowerCase() !== 'bearer') {
      throw new HttpError(401, 'Not authenticated', BEARER_CHALLENGE);
    }

    const token = separator === -1 ? '' : header.slice(separator + 1);
    const username = verifyAccessToken(config, token);
    const user = username === null ? undefined : await findUserByUsername(db, username);
    if (!user) throw new HttpError(401, 'Could not validate credentials', BEARER_CHALLENGE);

    authenticatedUsers.set(req, user);
    next();
  };
}

/** The user authenticated by `requireAuth` for this request. */
export function currentUser<P>(req: Request<P>): User {
  const user = authenticatedUsers.get(req);
  if (!user) throw new Error('currentUser() called on a route without requireAuth');
  return user;
}
