/** Helpers shared by the price-alerts hidden checks (not a check file itself). */
import type { CheckContext, HttpReply } from 'faultline/checks';

export interface Alert {
  id: number;
  symbol: string;
  target_price: number;
  condition: string;
  is_triggered: boolean;
  is_active: boolean;
  created_at: string;
  triggered_at: string | null;
  current_price: number | null;
}

export const api = (t: CheckContext) => t.http('api');

/** Registers a fresh user and logs in with the form endpoint; returns the bearer token. */
export async function newUser(t: CheckContext, prefix = 'check'): Promise<string> {
  const username = t.unique(prefix);
  const reg = await api(t).post('/auth/register', { email: `${username}@example.com`, username, password: 'password123' });
  t.expect(reg.status, 201, 'POST /auth/register (provided code; the check needs a user)');
  return login(t, username, 'password123');
}

export async function login(t: CheckContext, username: string, password: string): Promise<string> {
  const r = await api(t).form('/auth/login', { username, password });
  t.expect(r.status, 200, `POST /auth/login as ${username}`);
  return (r.body as { access_token: string }).access_token;
}

export async function price(t: CheckContext, symbol: string): Promise<number> {
  const r = await api(t).get(`/stocks/${symbol}`);
  t.expect(r.status, 200, `GET /stocks/${symbol}`);
  return (r.body as { current_price: number }).current_price;
}

export async function createAlert(t: CheckContext, token: string, symbol: string, target: number, condition: string): Promise<Alert> {
  const r = await api(t).post('/alerts', { symbol, target_price: target, condition }, { token });
  t.expect(r.status, 201, `POST /alerts {${symbol} ${condition} ${target}}: status`);
  return r.body as Alert;
}

export function alerts(r: HttpReply): Alert[] {
  return Array.isArray(r.body) ? (r.body as Alert[]) : [];
}

export function ids(list: Alert[]): number[] {
  return list.map((a) => a.id).sort((a, b) => a - b);
}

/** Fails unless the answer is not a server error. */
export function noServerError(t: CheckContext, r: HttpReply, what: string): void {
  if (r.status >= 500)
    t.fail(`${what} answered ${r.status}: ${r.text.slice(0, 200)}`, { expected: 'a status below 500', actual: r.status });
}
