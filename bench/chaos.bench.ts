/**
 * Chaos engine speed, side by side in one run:
 *
 * 1. activation and reset latency on a running price-alerts session: from the command to the
 *    first request that observes the effect (and, for reset, observes it gone);
 * 2. fault-proxy overhead: added p50/p99 latency and maximum throughput versus talking to the
 *    upstream directly, and versus the `toxy` proxy doing the same latency fault. toxy no longer
 *    works on Node ≥ 16 (h2non/toxy#68), so the bench runs it on Node 14, installed on first use
 *    into bench/out/node14 (the bench needs the npm registry once; tests never do).
 *
 *   npm run bench -- chaos [--rounds N]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { controlApi } from '../extension/engine/protocol/control';
import { proxyApi } from '../extension/engine/protocol/proxy';
import { apiClient } from '../extension/engine/protocol/rpc';
import { readToken, type SessionState } from '../extension/engine/session';
import { cli, node, quantile, root } from './session';

const median = (xs: number[]) => quantile(xs, 0.5);
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Node 14 for toxy (the last line of Node it works on). */
function node14(): string {
  const dir = path.join(root, 'bench', 'out', 'node14');
  const bin = path.join(dir, 'node_modules', 'node', 'bin', 'node');
  if (!fs.existsSync(bin)) {
    fs.mkdirSync(dir, { recursive: true });
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefix', dir, 'node@14'], { stdio: 'inherit' });
    if (r.status !== 0 || !fs.existsSync(bin)) throw new Error('could not install node@14 for the toxy comparison');
  }
  return bin;
}

/** Start a child and resolve with the first stdout line matching `re`. */
function startChild(
  args: string[],
  env: NodeJS.ProcessEnv,
  re: RegExp,
  runtime = node,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(runtime, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let buf = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const m = re.exec(buf);
      if (m) resolve({ child, match: m });
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}\n${buf}`)));
  });
}

function get(url: string, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

// --- 1. activation / reset ------------------------------------------------------------------

async function activationLatency(rounds: number): Promise<string> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-chaos-'));
  const env = { ...process.env, FAULTLINE_HOME: path.join(tmp, 'home'), NO_COLOR: '1' };
  const ws = path.join(tmp, 'ws');
  await new Promise<void>((resolve, reject) => {
    const c = spawn(node, [cli, 'new', 'price-alerts', ws, '--solution', 'reference'], { env, stdio: 'ignore' });
    c.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`new failed: ${code}`))));
  });
  const { child, match } = await startChild([cli, 'up', ws], env, /^FAULTLINE_READY (.*)$/m);
  const state = JSON.parse(match[1] ?? '{}') as SessionState;
  const control = apiClient(controlApi, state.control.url, readToken(state), 60_000);
  const api = state.services['api']?.url ?? '';
  const agent = new http.Agent({ keepAlive: true });
  const json = async (p: string) => {
    const res = await fetch(api + p);
    return (await res.json()) as Record<string, unknown>;
  };
  /** Each mode: a probe that is true while the mode's effect is visible. */
  const modes: [string, () => Promise<boolean>][] = [
    [
      'chaos_race (traffic + process)',
      async () => (await fetch(`${api}/alerts/check-concurrent?num_concurrent=2`, { method: 'POST' })).status === 200,
    ],
    ['chaos_data (5 row patches)', async () => (await json('/stocks/GOOGL'))['current_price'] === -50.25],
    // Read the database itself (logging in would time bcrypt, not the chaos engine).
    [
      'chaos_stress (user + 500 rows)',
      () => {
        const db = new Database(state.services['api']?.database ?? '', { readonly: true });
        try {
          const row = db
            .prepare("SELECT count(*) AS n FROM price_alerts a JOIN users u ON u.id = a.user_id WHERE u.username = 'stresstest'")
            .get() as { n: number };
          return Promise.resolve(row.n === 500);
        } finally {
          db.close();
        }
      },
    ],
  ];
  const modeIds = ['chaos_race', 'chaos_data', 'chaos_stress'];
  const rows: string[] = [];
  try {
    for (const [i, [label, visible]] of modes.entries()) {
      const on: number[] = [];
      const off: number[] = [];
      for (let r = 0; r < rounds; r++) {
        let t = performance.now();
        await control.chaosActivate({ mode: modeIds[i] as string });
        if (!(await visible())) throw new Error(`${label}: effect not visible right after activation`);
        on.push(performance.now() - t);
        t = performance.now();
        await control.chaosReset({});
        if (await visible()) throw new Error(`${label}: effect still visible after reset`);
        off.push(performance.now() - t);
      }
      rows.push(
        `| ${label} | ${ms(median(on))} ms | ${ms(quantile(on, 0.9))} ms | ${ms(median(off))} ms | ${ms(quantile(off, 0.9))} ms | ${(median(on) / 100).toFixed(2)}× |`,
      );
    }
  } finally {
    agent.destroy();
    child.kill('SIGINT');
    await new Promise((r) => child.on('exit', r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return [
    `activation and reset on a running price-alerts session (reference solution), ${rounds} rounds each; time from the command to the first request that sees the effect (reset: sees it gone, includes the health check of every service)`,
    '',
    '| mode | activate p50 | activate p90 | reset p50 | reset p90 | activate p50 / 100 ms goal |',
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

// --- 2. proxy overhead ----------------------------------------------------------------------

interface Target {
  name: string;
  url: string;
}

async function sequentialLatency(url: string, n: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    for (let i = 0; i < 100; i++) await get(url, agent);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await get(url, agent);
      out.push(performance.now() - t);
    }
    return out;
  } finally {
    agent.destroy();
  }
}

function throughput(url: string, seconds: number): Promise<number> {
  return new Promise((resolve, reject) => {
    autocannon({ url, connections: 32, duration: seconds }, (err: Error | null, result) =>
      err ? reject(err) : resolve(result.requests.average),
    );
  });
}

async function proxyOverhead(rounds: number): Promise<string> {
  const children: ChildProcess[] = [];
  try {
    const upstream = await startChild(
      [
        '-e',
        "const s=require('http').createServer((q,r)=>{r.writeHead(200,{'content-type':'application/json'});r.end('{\"ok\":true}')});s.listen(0,'127.0.0.1',()=>console.log('PORT '+s.address().port))",
      ],
      {},
      /PORT (\d+)/,
    );
    children.push(upstream.child);
    const upstreamUrl = `http://127.0.0.1:${upstream.match[1]}`;

    // The floor for any Node.js HTTP proxy on this machine: pipe to a keep-alive agent, nothing else.
    const minimal = await startChild(
      [
        '-e',
        `const http=require('http');const a=new http.Agent({keepAlive:true,maxSockets:512});` +
          `const s=http.createServer((q,r)=>{const p=http.request({host:'127.0.0.1',port:${upstream.match[1]},method:q.method,path:q.url,headers:q.headers,agent:a},(x)=>{r.writeHead(x.statusCode,x.headers);x.pipe(r)});q.pipe(p)});` +
          `s.listen(0,'127.0.0.1',()=>console.log('PORT '+s.address().port))`,
      ],
      {},
      /PORT (\d+)/,
    );
    children.push(minimal.child);

    const token = 'bench-token';
    const ours = await startChild(
      [path.join(root, 'dist', 'servers', 'fault-proxy.js')],
      { FAULTLINE_PROXY_TOKEN: token, PORT: '0' },
      /control API on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    children.push(ours.child);
    const proxy = apiClient(proxyApi, ours.match[1] ?? '', token);
    const plain = await proxy.listen({ id: 'plain', service: 'bench', upstreams: [upstreamUrl] });
    const slow = await proxy.listen({ id: 'slow', service: 'bench', upstreams: [upstreamUrl] });
    await proxy.addFault({ id: 'lat', type: 'latency', listeners: ['slow'], probability: 1, seed: 1, params: { ms: 10 } });

    const toxyScript = (port: number, latency: number) =>
      `const toxy=require(${JSON.stringify(path.join(root, 'node_modules', 'toxy'))});const p=toxy();p.forward(${JSON.stringify(upstreamUrl)});` +
      `${latency ? `p.poison(toxy.poisons.latency({jitter:${latency}}));` : ''}p.all('/*');p.listen(${port});setTimeout(()=>console.log('READY'),200)`;
    const toxyPlainPort = await freePort();
    const old = node14();
    const toxyPlain = await startChild(['-e', toxyScript(toxyPlainPort, 0)], {}, /READY/, old);
    children.push(toxyPlain.child);
    const toxySlowPort = await freePort();
    const toxySlow = await startChild(['-e', toxyScript(toxySlowPort, 10)], {}, /READY/, old);
    children.push(toxySlow.child);

    const groups: { fault: string; targets: Target[] }[] = [
      {
        fault: 'no fault',
        targets: [
          { name: 'direct', url: upstreamUrl },
          { name: 'minimal Node proxy (floor)', url: `http://127.0.0.1:${minimal.match[1]}` },
          { name: 'faultline proxy', url: plain.url },
          { name: 'toxy (Node 14)', url: `http://127.0.0.1:${toxyPlainPort}` },
        ],
      },
      {
        fault: 'latency 10 ms',
        targets: [
          { name: 'faultline proxy', url: slow.url },
          { name: 'toxy (Node 14)', url: `http://127.0.0.1:${toxySlowPort}` },
        ],
      },
    ];
    const samples = new Map<string, { lat: number[]; rps: number[] }>();
    for (let r = 0; r < rounds; r++) {
      for (const g of groups) {
        for (const target of g.targets) {
          const key = `${g.fault}|${target.name}`;
          const s = samples.get(key) ?? { lat: [], rps: [] };
          s.lat.push(...(await sequentialLatency(target.url, g.fault === 'no fault' ? 2000 : 300)));
          s.rps.push(await throughput(target.url, g.fault === 'no fault' ? 3 : 2));
          samples.set(key, s);
        }
      }
    }
    const direct = samples.get('no fault|direct');
    const dP50 = median(direct?.lat ?? []);
    const dP99 = quantile(direct?.lat ?? [], 0.99);
    const dRps = median(direct?.rps ?? []);
    const rows: string[] = [];
    for (const g of groups) {
      const base = g.fault === 'no fault' ? 0 : 10;
      for (const target of g.targets) {
        const s = samples.get(`${g.fault}|${target.name}`);
        if (!s) continue;
        const p50 = median(s.lat);
        const p99 = quantile(s.lat, 0.99);
        const rps = median(s.rps);
        rows.push(
          `| ${g.fault} | ${target.name} | ${ms(p50)} ms | ${ms(p99)} ms | ${target.name === 'direct' ? '—' : `+${ms(p50 - dP50 - base)} ms`} | ${target.name === 'direct' ? '—' : `+${ms(p99 - dP99 - base)} ms`} | ${Math.round(rps)} | ${(rps / dRps).toFixed(2)}× |`,
        );
      }
    }
    return [
      `fault-proxy overhead, ${rounds} interleaved rounds; latency: sequential keep-alive GETs (2000 per round, 300 with the fault); throughput: autocannon, 32 connections; upstream answers a small JSON document; ${os.cpus().length} CPUs (client, proxy and upstream share them)`,
      '',
      '| fault | path | p50 | p99 | added p50 (beyond the fault) | added p99 | req/s | req/s vs direct |',
      '|---|---|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
  } finally {
    for (const c of children) c.kill('SIGKILL');
  }
}

/** Sequential round trips of a 64-byte message over one connection (ms each). */
async function tcpRoundTrips(port: number, n: number): Promise<number[]> {
  const socket = net.connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const message = Buffer.alloc(64, 7);
  const out: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      await new Promise<void>((resolve) => {
        let got = 0;
        const onData = (d: Buffer) => {
          got += d.length;
          if (got >= message.length) {
            socket.off('data', onData);
            resolve();
          }
        };
        socket.on('data', onData);
        socket.write(message);
      });
      out.push(performance.now() - t);
    }
  } finally {
    socket.destroy();
  }
  return out;
}

/** MB/s of a 64 MB stream echoed back through one connection. */
async function tcpThroughput(port: number): Promise<number> {
  const total = 64 * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 1);
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const t = performance.now();
  await new Promise<void>((resolve) => {
    let got = 0;
    socket.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= total) resolve();
    });
    let sent = 0;
    const pump = () => {
      while (sent < total) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    pump();
  });
  const seconds = (performance.now() - t) / 1000;
  socket.destroy();
  return total / 1024 / 1024 / seconds;
}

/** The fault proxy's TCP pass-through listener (a broker's or a database's wire) next to a direct connection. */
export async function tcpOverhead(rounds: number): Promise<string> {
  const children: ChildProcess[] = [];
  try {
    const echo = await startChild(
      ['-e', "const s=require('net').createServer((c)=>c.pipe(c));s.listen(0,'127.0.0.1',()=>console.log('PORT '+s.address().port))"],
      {},
      /PORT (\d+)/,
    );
    children.push(echo.child);
    const upstreamPort = Number(echo.match[1]);
    const minimal = await startChild(
      [
        '-e',
        `const net=require('net');const s=net.createServer((c)=>{const u=net.connect(${upstreamPort},'127.0.0.1');c.pipe(u);u.pipe(c);c.on('error',()=>u.destroy());u.on('error',()=>c.destroy())});` +
          `s.listen(0,'127.0.0.1',()=>console.log('PORT '+s.address().port))`,
      ],
      {},
      /PORT (\d+)/,
    );
    children.push(minimal.child);
    const token = 'bench-token';
    const ours = await startChild(
      [path.join(root, 'dist', 'servers', 'fault-proxy.js')],
      { FAULTLINE_PROXY_TOKEN: token, PORT: '0' },
      /control API on (http:\/\/127\.0\.0\.1:\d+)/,
    );
    children.push(ours.child);
    const proxy = apiClient(proxyApi, ours.match[1] ?? '', token);
    const tcp = await proxy.listen({ id: 'tcp', service: 'bench', upstreams: [`tcp://127.0.0.1:${upstreamPort}`], protocol: 'tcp' });
    const targets = [
      { name: 'direct', port: upstreamPort },
      { name: 'minimal Node pipe proxy (floor)', port: Number(minimal.match[1]) },
      { name: 'faultline proxy, TCP listener', port: tcp.port },
    ];
    const samples = new Map<string, { lat: number[]; mbs: number[] }>();
    for (let r = 0; r < rounds; r++) {
      for (const target of targets) {
        const s = samples.get(target.name) ?? { lat: [], mbs: [] };
        s.lat.push(...(await tcpRoundTrips(target.port, 2000)));
        s.mbs.push(await tcpThroughput(target.port));
        samples.set(target.name, s);
      }
    }
    const d = samples.get('direct');
    const dP50 = median(d?.lat ?? []);
    const dMbs = median(d?.mbs ?? []);
    const rows = targets.map((t) => {
      const s = samples.get(t.name) ?? { lat: [], mbs: [] };
      const p50 = median(s.lat);
      const mbs = median(s.mbs);
      return `| ${t.name} | ${ms(p50)} ms | ${ms(quantile(s.lat, 0.99))} ms | ${t.name === 'direct' ? '—' : `+${ms(p50 - dP50)} ms`} | ${Math.round(mbs)} MB/s | ${(mbs / dMbs).toFixed(2)}× |`;
    });
    return [
      `fault-proxy TCP pass-through, ${rounds} interleaved rounds; latency: 2000 sequential 64-byte round trips on one connection; throughput: 64 MB echoed through one connection; ${os.cpus().length} CPUs`,
      '',
      '| path | p50 | p99 | added p50 | throughput | vs direct |',
      '|---|---|---|---|---|---|',
      ...rows,
    ].join('\n');
  } finally {
    for (const c of children) c.kill('SIGKILL');
  }
}

export async function run(args: string[]): Promise<string> {
  const i = args.indexOf('--rounds');
  const rounds = i >= 0 ? Number(args[i + 1]) : 3;
  const a = await activationLatency(Math.max(5, rounds * 5));
  const b = await proxyOverhead(rounds);
  const c = await tcpOverhead(rounds);
  return `${a}\n\n${b}\n\n${c}`;
}
