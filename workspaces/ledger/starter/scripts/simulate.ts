/**
 * Traffic generator: random deposits, withdrawals and transfers between the SIM-ACC accounts.
 *   npm run simulate -- --count 100            (COMMANDS_URL, default http://127.0.0.1:4000)
 *   npm run simulate:continuous                (until Ctrl-C; --rate N requests per second, default 20)
 */
const base = process.env['COMMANDS_URL'] ?? 'http://127.0.0.1:4000';
const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  const value = i >= 0 ? Number(args[i + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
};
const continuous = args.includes('--continuous');
const count = flag('--count', 100);
const rate = flag('--rate', 20);
const accounts = Array.from({ length: 10 }, (_, i) => `SIM-ACC-${String(i + 1).padStart(3, '0')}`);
const pick = () => accounts[Math.floor(Math.random() * accounts.length)];
const amount = () => Math.round(Math.random() * 5000) / 100 + 1;
const tally: Record<string, number> = {};

async function one(): Promise<void> {
  const kind = ['deposit', 'withdraw', 'transfer'][Math.floor(Math.random() * 3)];
  const body =
    kind === 'transfer'
      ? { from_account_id: pick(), to_account_id: pick(), amount: amount() }
      : { account_id: pick(), amount: amount(), description: 'simulated' };
  try {
    const res = await fetch(`${base}/commands/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    tally[`${kind} ${res.status}`] = (tally[`${kind} ${res.status}`] ?? 0) + 1;
  } catch (err) {
    tally[`${kind} error`] = (tally[`${kind} error`] ?? 0) + 1;
    if (continuous) console.error(`${kind}: ${(err as Error).message}`);
  }
}

async function main(): Promise<void> {
  const interval = 1000 / rate;
  let sent = 0;
  const report = setInterval(() => console.log(JSON.stringify(tally)), 5000);
  while (continuous || sent < count) {
    void one();
    sent++;
    await new Promise((r) => setTimeout(r, interval));
  }
  await new Promise((r) => setTimeout(r, 1000));
  clearInterval(report);
  console.log(JSON.stringify(tally));
}

void main();
