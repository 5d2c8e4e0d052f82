import { Router } from 'express';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { queryFloat } from '../validation';
import { currentUser, requireAuth } from './middleware';
import { parseLoginForm, parseUserCreate, toUserResponse } from './schema';
import { authenticateUser, createAccessToken, deposit, registerUser, withdraw } from './service';

export function authRouter(ctx: AppContext): Router {
  const router = Router();
  const auth = requireAuth(ctx);

  /** POST /auth/register -> 201 the new user (starts with $10,000). */
  router.post('/register', async (req, res) => {
    const input = parseUserCreate(req.body);
    const user = await registerUser(ctx.db, ctx.config, input);
    res.status(201).json(toUserResponse(user));
  });

  /** POST /auth/login (form-encoded username + password) -> bearer token. */
  router.post('/login', async (req, res) => {
    const form = parseLoginForm(req.body);
    const user = await authenticateUser(ctx.db, form.username, form.password);
    if (!user) {
      throw new HttpError(401, 'Incorrect username or password', { 'WWW-Authenticate': 'Bearer' });
    }
    res.json({ access_token: createAccessToken(ctx.config, user.username), token_type: 'bearer' });
  });

  /** GET /auth/me -> the authenticated user. */
  router.get('/me', auth, (req, res) => {
    res.json(toUserResponse(currentUser(req)));
  });

  /** POST /auth/deposit?amount=500 */
  router.post('/deposit', auth, async (req, res) => {
    const amount = queryFloat(req.query, 'amount');
    res.json(await deposit(ctx.db, currentUser(req), amount));
  });

  /** POST /auth/withdraw?amount=500 */
  router.post('/withdraw', auth, async (req, res) => {
    const amount = queryFloat(req.query, 'amount');
    res.json(await withdraw(ctx.db, currentUser(req), amount));
  });

  return router;
}
