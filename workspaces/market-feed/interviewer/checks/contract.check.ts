/** The baseline contract: auth, analytics through the gateway, bad input. */
import type { DeclareChecks } from 'faultline/checks';
import { Client, forgeToken, user } from './support';

interface Option {
  strike: number;
  type: 'CE' | 'PE';
  oi: number;
}

function maxPain(options: Option[]): number | null {
  let best: { s: number; pay: number } | null = null;
  for (const s of [...new Set(options.map((o) => o.strike))].sort((a, b) => a - b)) {
    let pay = 0;
    for (const o of options) pay += o.type === 'CE' ? o.oi * Math.max(0, s - o.strike) : o.oi * Math.max(0, o.strike - s);
    if (best === null || pay < best.pay) best = { s, pay };
  }
  return best?.s ?? null;
}

const checks: DeclareChecks = (check) => {
  check('auth-contract', { title: 'Auth: register, login, refresh, expiry', kind: 'functional', timeoutMs: 30_000 }, async (t) => {
    const api = t.http('lb');
    const username = t
      .unique('auth')
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .slice(0, 40);
    const reg = await api.post('/api/auth/register', { username, password: 'secret1' });
    t.expect(reg.status, 201, 'POST /api/auth/register');
    const body = reg.body as { message?: string; token?: string; user?: { username?: string }; refresh_token?: string };
    if (!body.message || !body.token || body.user?.username !== username)
      t.fail('register must answer {message, token, user}', { actual: body });
    t.expect((await api.post('/api/auth/register', { username, password: 'secret1' })).status, 409, 'registering the same user again');
    t.expect((await api.post('/api/auth/register', { username: `${username}x`, password: '12345' })).status, 400, 'a 5-character password');
    const bad = await api.post('/api/auth/login', { username, password: 'wrong-password' });
    t.expect(bad.status, 401, 'login with a wrong password');
    t.expect((bad.body as { error?: string }).error, 'Invalid credentials', 'the 401 error');
    const ok = await api.post('/api/auth/login', { username, password: 'secret1' });
    t.expect(ok.status, 200, 'login');
    const refresh = (ok.body as { refresh_token?: string }).refresh_token ?? '';
    t.expect((await api.post('/api/auth/refresh', { refresh_token: refresh })).status, 200, 'refresh with a valid refresh token');
    const expired = forgeToken({ sub: '1', username, typ: 'refresh', exp: Math.floor(Date.now() / 1000) - 60 });
    t.expect((await api.post('/api/auth/refresh', { refresh_token: expired })).status, 401, 'refresh with an expired refresh token');
    t.expect((await api.get('/api/data/products', { token: body.token })).status, 200, 'GET /api/data/products with the token');
    t.expect((await api.get('/api/data/products')).status, 401, 'GET /api/data/products without a token');
  });

  check('analytics', { title: 'PCR and max pain, with ?expiry= passed through', kind: 'functional', timeoutMs: 30_000 }, async (t) => {
    const { token } = await user(t, 'an');
    const api = t.http('lb');
    const exp = await api.get('/api/data/expiries/NIFTY', { token });
    const expiries = (exp.body as { expiries?: string[] }).expiries ?? [];
    if (expiries.length < 2) t.fail('GET /api/data/expiries/NIFTY lists fewer than 2 expiries', { actual: exp.body });
    const second = expiries[1];
    for (let attempt = 0; attempt < 8; attempt++) {
      const chain = await api.get(`/api/data/chain/NIFTY?expiry=${second}`, { token });
      const mp = await api.get(`/api/analytics/max-pain/NIFTY?expiry=${second}`, { token });
      const pcr = await api.get(`/api/analytics/pcr/NIFTY?expiry=${second}`, { token });
      t.expect(mp.status, 200, `GET /api/analytics/max-pain/NIFTY?expiry=${second}`);
      const c = chain.body as { seq: number; expiry: string; options: Option[] };
      const m = mp.body as { seq: number; expiry: string; max_pain: number };
      const p = pcr.body as { seq: number; expiry: string; pcr: number };
      t.expect(m.expiry, second, 'the max-pain answer is for the expiry asked (query parameters pass through)');
      t.expect(p.expiry, second, 'the PCR answer is for the expiry asked');
      if (c.seq !== m.seq || c.seq !== p.seq) continue; // a tick came in between
      t.expect(m.max_pain, maxPain(c.options), 'max pain of the chain');
      const sum = (type: string) => c.options.filter((o) => o.type === type).reduce((s, o) => s + o.oi, 0);
      if (Math.abs(p.pcr - sum('PE') / sum('CE')) > 1e-3)
        t.fail('PCR ≠ Σ put OI / Σ call OI', { expected: sum('PE') / sum('CE'), actual: p.pcr });
      t.expect((await api.get('/api/analytics/pcr/NOPE', { token })).status, 404, 'an unknown symbol');
      return;
    }
    t.fail('the chain and the analytics never agreed on one tick in 8 attempts');
  });

  check(
    'bad-input',
    { title: 'Bad frames, unknown symbols, expired tokens, 10 MB frames', kind: 'functional', timeoutMs: 40_000 },
    async (t) => {
      const { token } = await user(t, 'bad');
      const good = await Client.open(t, token);
      good.send('this is not json');
      const e1 = await good.next((f) => f.type === 'error', 5000, 'an error frame for a non-JSON frame').catch(() => null);
      if (!e1) t.fail('no error frame for a non-JSON frame');
      good.send({ action: 'subscribe', type: 'product', symbol: 'NOPE' });
      const e2 = await good
        .next((f) => f.type === 'error' && /NOPE|symbol/i.test(String(f.error)), 5000, 'an error for an unknown symbol')
        .catch(() => null);
      if (!e2) t.fail('no error frame naming the unknown symbol');
      if (!good.open) t.fail(`the socket was closed after bad frames: ${JSON.stringify(good.closed)}`);

      const expired = forgeToken({ sub: '1', username: 'x', typ: 'access', exp: Math.floor(Date.now() / 1000) - 60 });
      const old = await Client.open(t, expired).catch(() => null);
      if (old) {
        await old
          .until(() => old.closed !== undefined || old.frames.length > 0, 5000, 'an answer to an expired token')
          .catch(() => undefined);
        const said = JSON.stringify(old.frames.map((f) => f.frame)) + (old.closed?.reason ?? '');
        if (!/expired/i.test(said)) t.fail('an expired token does not get a clear error', { actual: said.slice(0, 200) });
        old.close();
      }

      const big = await Client.open(t, token);
      big.send('x'.repeat(10 * 1024 * 1024));
      await big
        .until(() => big.closed !== undefined || big.frames.some((f) => f.frame.type === 'error'), 15_000, 'an answer to a 10 MB frame')
        .catch(() => {
          t.fail('a 10 MB frame got neither an error frame nor a close with a code');
        });
      big.close();

      const mark = good.frames.length;
      good.send({ action: 'subscribe', type: 'product', symbol: 'NIFTY' });
      await good
        .next((f) => f.type === 'underlying_update', 10_000, 'NIFTY updates after the bad input', mark)
        .catch(() => {
          t.fail('the gateway stopped serving the well-behaved client after bad input');
        });
      good.close();
      const r = await t.http('lb').post('/api/auth/login', '{"username": ', { headers: { 'content-type': 'application/json' } });
      t.expect(r.status, 400, 'a malformed JSON body');
    },
  );
};
export default checks;
