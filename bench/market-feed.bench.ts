/**
 * The market-feed reference gateway's tick fan-out, side by side in one run: N WebSocket clients
 * (default 1000) subscribed to NIFTY's price and chain, with the feed at T ticks a second (default
 * 5), connected (a) through the fault proxy's gateway listener and (b) directly to the gateway
 * replica. Per route: frames delivered per second (all clients together) and the p50/p99 delay from
 * the feed's timestamp to arrival.
 *
 *   npm run bench -- market-feed [--clients N] [--ticks T] [--seconds S] [--rounds R]
 */
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import { quantile, withSession } from './session';

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

/** Opens `n` clients on `wsUrl`, subscribes each, measures for `seconds`, closes them. */
async function fanOut(
  wsUrl: string,
  token: string,
  n: number,
  seconds: number,
): Promise<{ frames: number; delays: number[]; failed: number }> {
  const sockets: WebSocket[] = [];
  let failed = 0;
  let measuring = false;
  let frames = 0;
  const delays: number[] = [];
  await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<void>((resolve) => {
          const ws = new WebSocket(`${wsUrl}/ws?token=${token}`);
          sockets.push(ws);
          ws.on('open', () => {
            ws.send(JSON.stringify({ action: 'subscribe', type: 'product', symbol: 'NIFTY' }));
            ws.send(JSON.stringify({ action: 'subscribe', type: 'chain', symbol: 'NIFTY' }));
            resolve();
          });
          ws.on('message', (data) => {
            if (!measuring) return;
            const msg = JSON.parse((data as Buffer).toString('utf8')) as { ts?: number; snapshot?: boolean };
            if (typeof msg.ts !== 'number' || msg.snapshot) return;
            frames += 1;
            delays.push(Date.now() - msg.ts);
          });
          ws.on('error', () => {
            failed += 1;
            resolve();
          });
        }),
    ),
  );
  await new Promise((r) => setTimeout(r, 1000)); // snapshots out of the way
  measuring = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close();
        }),
    ),
  );
  return { frames, delays, failed };
}

export async function run(args: string[]): Promise<string> {
  const clients = arg(args, '--clients', 1000);
  const ticks = arg(args, '--ticks', 5);
  const seconds = arg(args, '--seconds', 10);
  const rounds = arg(args, '--rounds', 2);
  return withSession('market-feed', 'reference', async (session) => {
    const { ws, state } = session;
    const proxied = state.services['gateway']?.url;
    const direct = state.services['gateway']?.urls[0];
    if (!proxied || !direct) throw new Error('no gateway in the session');
    const settings = new Database(path.join(ws, 'data', 'feed.db'));
    settings.prepare("UPDATE settings SET value = ? WHERE key = 'ticks_per_second'").run(ticks);
    settings.close();
    const reg = await fetch(`${direct}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'bench', password: 'bench-password' }),
    });
    const token = ((await reg.json()) as { token: string }).token;

    const results = { proxy: { frames: 0, delays: [] as number[], failed: 0 }, direct: { frames: 0, delays: [] as number[], failed: 0 } };
    for (let r = 0; r < rounds; r++) {
      for (const [name, url] of [
        ['proxy', proxied],
        ['direct', direct],
      ] as const) {
        const got = await fanOut(url.replace(/^http/, 'ws'), token, clients, seconds);
        results[name].frames += got.frames;
        results[name].delays = results[name].delays.concat(got.delays);
        results[name].failed += got.failed;
      }
    }
    const rate = (x: { frames: number }) => x.frames / (rounds * seconds);
    const f = (n: number) => n.toFixed(1);
    const expected = clients * ticks * 3;
    const row = (name: string, x: typeof results.proxy) =>
      `| ${name} | ${Math.round(rate(x))} frames/s (${f((rate(x) / expected) * 100)}% of ${expected}) | ${f(quantile(x.delays, 0.5))} ms | ${f(quantile(x.delays, 0.99))} ms | ${x.failed} |`;
    return [
      `market-feed reference gateway (one replica), ${clients} WebSocket clients on NIFTY's price and chain (3 frames a tick each), feed at ${ticks} ticks/s, ${rounds} interleaved rounds of ${seconds} s; ${os.cpus().length} CPUs shared by the clients, the proxy, the gateway, the broker and the feed`,
      '',
      '| route | delivered | p50 delay | p99 delay | failed connects |',
      '|---|---|---|---|---|',
      row('through the fault proxy', results.proxy),
      row('direct to the replica', results.direct),
      '',
      `p99 ratio proxy/direct: ${f(quantile(results.proxy.delays, 0.99) / Math.max(1, quantile(results.direct.delays, 0.99)))}×`,
    ].join('\n');
  });
}
