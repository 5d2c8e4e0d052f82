/**
 * What the ledger's hidden checks share: the ground truth (a replay of the event store, read with
 * SQL, never through the candidate's code), the read model as the query API shows it, raw HTTP.
 */
import type { CheckContext } from 'faultline/checks';

export interface Reply {
  status: number;
  body: Record<string, unknown>;
}

/** A JSON request to a service (the body may be a raw string, e.g. malformed JSON). */
export async function call(t: CheckContext, service: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(t.url(service).replace(/^tcp:/, 'http:') + path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

/** An account id unique to this check run. */
export function accountId(t: CheckContext, prefix: string): string {
  return t
    .unique(prefix)
    .replace(/[^A-Za-z0-9_-]/g, '-')
    .slice(0, 60);
}

export async function createAccount(t: CheckContext, id: string, initial: number, owner = 'Check User'): Promise<void> {
  const r = await call(t, 'commands', 'POST', '/commands/create-account', {
    account_id: id,
    owner_name: owner,
    initial_balance: initial,
    currency: 'USD',
  });
  if (r.status !== 201) t.fail(`POST /commands/create-account ${id} answered ${r.status}`, { expected: 201, actual: r });
}

interface EventRow {
  seq: number;
  aggregate_id: string;
  version: number;
  event_type: string;
  data: string;
}

/** Balances (cents) from a replay of the event store; `min` is the lowest balance each account ever had. */
export async function replay(
  t: CheckContext,
  only?: string,
): Promise<{ balances: Map<string, number>; min: Map<string, number>; events: number }> {
  const rows = (await t.query(
    'commands',
    only
      ? 'SELECT seq, aggregate_id, version, event_type, data FROM events WHERE aggregate_id = ? ORDER BY seq'
      : 'SELECT seq, aggregate_id, version, event_type, data FROM events ORDER BY seq',
    only ? [only] : [],
  )) as unknown as EventRow[];
  const balances = new Map<string, number>();
  const min = new Map<string, number>();
  for (const row of rows) {
    let data: Record<string, unknown> = {};
    try {
      data = JSON.parse(row.data) as Record<string, unknown>;
    } catch {
      continue;
    }
    const cents = (v: unknown) => Math.round(Number(v ?? 0) * 100);
    if (row.event_type === 'AccountCreated') balances.set(row.aggregate_id, cents(data['initial_balance']));
    else if (!balances.has(row.aggregate_id)) continue;
    else if (row.event_type === 'MoneyDeposited')
      balances.set(row.aggregate_id, (balances.get(row.aggregate_id) ?? 0) + cents(data['amount']));
    else if (row.event_type === 'MoneyWithdrawn')
      balances.set(row.aggregate_id, (balances.get(row.aggregate_id) ?? 0) - cents(data['amount']));
    const now = balances.get(row.aggregate_id) ?? 0;
    min.set(row.aggregate_id, Math.min(min.get(row.aggregate_id) ?? now, now));
  }
  return { balances, min, events: rows.length };
}

export function cents(balance: unknown): number {
  return Math.round(Number(balance) * 100);
}

export function money(c: number): string {
  return (c / 100).toFixed(2);
}

/** The read model's balance of one account (undefined: not there). */
export async function readBalance(t: CheckContext, id: string): Promise<number | undefined> {
  const r = await call(t, 'queries', 'GET', `/accounts/${encodeURIComponent(id)}`);
  return r.status === 200 ? cents(r.body['balance']) : undefined;
}

/** Accounts whose read-model balance differs from the replay ("ACC: read 10.00, replay 5.00"). */
export async function mismatches(t: CheckContext, ids: string[]): Promise<string[]> {
  const truth = await replay(t);
  const out: string[] = [];
  for (const id of ids) {
    const expected = truth.balances.get(id);
    if (expected === undefined) continue;
    const read = await readBalance(t, id);
    if (read !== expected) out.push(`${id}: read model ${read === undefined ? 'missing' : money(read)}, replay ${money(expected)}`);
  }
  return out;
}

/** Every account of the event store. */
export async function storeAccounts(t: CheckContext): Promise<string[]> {
  return [...(await replay(t)).balances.keys()];
}

/** Polls `probe` until it returns true or `ms` passed; returns its last answer. */
export async function within(ms: number, probe: () => Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await probe()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
