/**
 * The ledger reference under load, side by side in one run:
 *
 * 1. commands per second: autocannon POSTs deposits at the `commands` service through the fault
 *    proxy (its public address, round robin over its 2 replicas) and directly at one replica;
 * 2. projection lag at a steady 200 commands/s: for each deposit, the time from its 201 to the
 *    moment the read model (`queries`) shows it, through the broker and the projector (every hop
 *    through the fault proxy, as in an interview).
 *
 *   npm run bench -- ledger [--seconds N]
 */
import * as os from 'node:os';
import autocannon from 'autocannon';
import { processUrl, quantile, withSession } from './session';

async function post(url: string, body: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json().catch(() => null) };
}

/** Accepted (201) deposits per second, spread over the bench accounts (one account would serialise on its version). */
function commandsPerSecond(url: string, accounts: string[], seconds: number): Promise<number> {
  let next = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `${url}/commands/deposit`,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        connections: 16,
        duration: seconds,
        setupClient: (client) => {
          client.setBody(JSON.stringify({ account_id: accounts[next++ % accounts.length], amount: 1 }));
        },
      },
      (err: unknown, result) =>
        err ? reject(err instanceof Error ? err : new Error('autocannon failed')) : resolve(result['2xx'] / (result.duration || seconds)),
    );
  });
}

/** Sum of the bench accounts' balances in the read model. */
async function readModelTotal(queriesUrl: string, accounts: Set<string>): Promise<number> {
  const res = await fetch(`${queriesUrl}/accounts`);
  const body = (await res.json()) as { accounts: { account_id: string; balance: string }[] };
  return body.accounts.filter((a) => accounts.has(a.account_id)).reduce((n, a) => n + Number(a.balance), 0);
}

/** POST a deposit; a 409 (a concurrent change of the account) is retried, as a client should. */
async function deposit(commandsUrl: string, account: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const r = await post(`${commandsUrl}/commands/deposit`, { account_id: account, amount: 1 });
    if (r.status === 201) return;
    if (r.status !== 409) throw new Error(`deposit answered ${r.status}: ${JSON.stringify(r.json)}`);
  }
  throw new Error('deposit: 20 conflicts in a row');
}

/** Deposits of 1 at `rate`/s for `seconds` over the accounts; the read model polled meanwhile; lag per deposit (ms). */
async function projectionLag(
  commandsUrl: string,
  queriesUrl: string,
  accounts: string[],
  rate: number,
  seconds: number,
): Promise<number[]> {
  const set = new Set(accounts);
  const start = await readModelTotal(queriesUrl, set);
  const acked: number[] = [];
  const seen: number[] = [];
  let polling = true;
  const poller = (async () => {
    while (polling || seen.length < acked.length) {
      const balance = (await readModelTotal(queriesUrl, set)) - start;
      const now = performance.now();
      while (seen.length < Math.min(balance, acked.length)) seen.push(now);
      if (!polling && performance.now() - (acked.at(-1) ?? 0) > 30_000) break;
    }
  })();
  const n = rate * seconds;
  const t0 = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(deposit(commandsUrl, accounts[i % accounts.length] ?? '').then(() => void acked.push(performance.now())));
  }
  await Promise.all(inflight);
  polling = false;
  await poller;
  acked.sort((a, b) => a - b);
  return seen.map((t, i) => Math.max(0, t - (acked[i] ?? t)));
}

export async function run(args: string[]): Promise<string> {
  const i = args.indexOf('--seconds');
  const seconds = i >= 0 ? Number(args[i + 1]) : 5;
  return withSession('ledger', 'reference', async (session) => {
    const { state } = session;
    const commands = state.services['commands'];
    const queries = state.services['queries'];
    if (!commands || !queries) throw new Error('the ledger session has no commands/queries service');
    const proxied = commands.url;
    const direct = commands.urls[0] ?? proxied;
    // The replicas' own ports (the state's urls are the proxy's per-replica edges): ask the status.
    const replica = processUrl(session, 'commands', direct);
    const accounts = Array.from({ length: 64 }, (_, n) => `BENCH-${String(n + 1).padStart(3, '0')}`);
    for (const account_id of accounts) {
      const created = await post(`${proxied}/commands/create-account`, {
        account_id,
        owner_name: 'Bench',
        initial_balance: 0,
        currency: 'USD',
      });
      if (created.status !== 201) throw new Error(`create-account answered ${created.status}: ${JSON.stringify(created.json)}`);
    }

    const rounds = 3;
    const rps: Record<'proxy' | 'direct', number[]> = { proxy: [], direct: [] };
    for (let r = 0; r < rounds; r++) {
      rps.proxy.push(await commandsPerSecond(proxied, accounts, seconds));
      rps.direct.push(await commandsPerSecond(replica, accounts, seconds));
    }
    const lag = await projectionLag(proxied, queries.url, accounts, 200, seconds);
    const med = (xs: number[]) => quantile(xs, 0.5);
    return [
      `ledger reference, ${rounds} interleaved rounds of ${seconds} s, autocannon 16 connections; ${os.cpus().length} CPUs (client, proxy, broker and services share them)`,
      '',
      '| measure | through the fault proxy | direct (one replica) | ratio |',
      '|---|---|---|---|',
      `| accepted deposits per second (64 accounts) | ${Math.round(med(rps.proxy))} | ${Math.round(med(rps.direct))} | ${(med(rps.proxy) / med(rps.direct)).toFixed(2)}× |`,
      '',
      `projection lag at 200 deposits/s for ${seconds} s (${lag.length} deposits; 201 → visible in \`queries\`, via broker and projector): ` +
        `p50 ${quantile(lag, 0.5).toFixed(1)} ms, p99 ${quantile(lag, 0.99).toFixed(1)} ms, max ${Math.max(...lag).toFixed(1)} ms`,
    ].join('\n');
  });
}
