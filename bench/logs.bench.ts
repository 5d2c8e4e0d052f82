/**
 * Logs at full speed: a service prints 10,000 lines a second for 10 s. Measured in the process
 * that hosts the session, as the VS Code extension host does (the engine's supervisor, the editor's
 * log-channel batcher, the candidate portal's feed), side by side with the same session idle:
 *
 *   lines/s      what reached the session (onLog: every line of every service, Faultline's own
 *                included), the log channel (written lines) and a portal page (WebSocket
 *                batches), each with what it said it skipped;
 *   accounted    every line either arrived or was counted as skipped (nothing silently lost);
 *   loop p99     the host's event-loop delay (goal < 50 ms: the editor stays responsive);
 *   rss          the host's memory.
 *
 *   npm run bench -- logs [--rate 10000] [--seconds 10]
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import WebSocket from 'ws';
import { loadCatalog } from '../extension/engine/catalog';
import { installAt } from '../extension/engine/install';
import { startSession } from '../extension/engine/interview/session';
import type { PortalMessage } from '../extension/engine/model/portal';
import { PORTAL_PATHS } from '../extension/engine/protocol/portal';
import { createWorkspace } from '../extension/engine/workspace';
import { LogBatcher } from '../extension/vscode/session/logBatcher';

const root = path.resolve(__dirname, '..');

function flag(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

interface Phase {
  name: string;
  seconds: number;
  session: number;
  channel: number;
  channelSkipped: number;
  portal: number;
  portalSkipped: number;
  loopP99: number;
  loopMax: number;
  rssMb: number;
}

export async function run(args: string[]): Promise<string> {
  const rate = flag(args, 'rate', 10_000);
  const seconds = flag(args, 'seconds', 10);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-logs-'));
  const install = installAt(root, 'bench', { FAULTLINE_EXERCISES: path.join(root, 'test', 'fixtures', 'exercises') });
  const workspace = path.join(tmp, 'ws');
  await createWorkspace({ install, exercise: loadCatalog(install).get('fixture-basic'), dir: workspace });

  // What the extension host does with every record: the log channel's batcher (lines counted, the
  // "N log lines skipped" notes added up), and the portal's feed, read by a page over its WebSocket.
  const counts = { session: 0, flood: 0, channel: 0, channelSkipped: 0, portal: 0, portalSkipped: 0, done: false };
  const batcher = new LogBatcher({
    write: (_level, text) => {
      const skipped = /^\[faultline\] (\d+) log lines skipped/.exec(text);
      if (skipped) counts.channelSkipped += Number(skipped[1]);
      else counts.channel += text.split('\n').length;
    },
  });
  const session = await startSession({
    install,
    workspace,
    home: path.join(tmp, 'home'),
    onLog: (r) => {
      counts.session++;
      if (r.message.includes('flood line')) counts.flood++;
      if (r.message.includes('flood done')) counts.done = true;
      batcher.push(r);
    },
  });
  const portalUrl = session.state.portal.url;
  const socket = new WebSocket(portalUrl.replace(/^http/, 'ws') + PORTAL_PATHS.socket, { headers: { origin: portalUrl } });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString('utf8')) as PortalMessage;
    if (m.type !== 'logs') return;
    counts.portal += m.lines.length;
    counts.portalSkipped += m.skipped;
  });

  const measure = async (name: string, during: () => Promise<void>): Promise<Phase> => {
    const before = { ...counts };
    const loop = monitorEventLoopDelay({ resolution: 5 });
    let rss = process.memoryUsage().rss;
    const sampler = setInterval(() => (rss = Math.max(rss, process.memoryUsage().rss)), 100);
    loop.enable();
    const started = performance.now();
    await during();
    const elapsed = (performance.now() - started) / 1000;
    loop.disable();
    clearInterval(sampler);
    const d = (k: keyof typeof counts) => (counts[k] as number) - (before[k] as number);
    return {
      name,
      seconds: elapsed,
      session: d('session'),
      channel: d('channel'),
      channelSkipped: d('channelSkipped'),
      portal: d('portal'),
      portalSkipped: d('portalSkipped'),
      loopP99: loop.percentile(99) / 1e6,
      loopMax: loop.max / 1e6,
      rssMb: rss / 2 ** 20,
    };
  };
  const settle = () => new Promise((r) => setTimeout(r, 1000)); // the batchers' last flushes (100–200 ms)

  const phases: Phase[] = [];
  try {
    phases.push(await measure('idle', () => new Promise((r) => setTimeout(r, 3000))));
    phases.push(
      await measure(`flood ${rate}/s × ${seconds} s`, async () => {
        const answer = await fetch(`${session.state.services['a']!.url}/flood?rate=${rate}&seconds=${seconds}`);
        if (!answer.ok) throw new Error(`/flood answered ${answer.status}`);
        const deadline = Date.now() + (seconds + 60) * 1000;
        while (!counts.done && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        if (!counts.done) throw new Error('the flood did not finish within a minute of its end');
        await settle();
      }),
    );
  } finally {
    socket.close();
    batcher.dispose();
    await session.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const total = Math.round(rate * seconds);
  const rows = phases.map((p) => {
    const per = (n: number) => Math.round(n / p.seconds).toLocaleString('en-US');
    const accounted =
      p.session === 0 ? '—' : p.channel + p.channelSkipped === p.session && p.portal + p.portalSkipped === p.session ? 'yes' : 'NO';
    return `| ${p.name} | ${per(p.session)} | ${per(p.channel)} (+${per(p.channelSkipped)} skipped) | ${per(p.portal)} (+${per(p.portalSkipped)} skipped) | ${accounted} | ${p.loopP99.toFixed(1)} ms (max ${p.loopMax.toFixed(0)}) | ${p.rssMb.toFixed(0)} MB |`;
  });
  const flood = phases[1];
  const lost = total - counts.flood;
  return [
    `node ${process.version}, ${os.availableParallelism()} CPUs, load ${os.loadavg()[0]?.toFixed(1)}; ${total.toLocaleString('en-US')} lines printed by one service`,
    '',
    '| phase | reached the session /s | log channel /s | portal page /s | accounted | host loop delay p99 | host rss (max) |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Flood lines the session did not receive from the service's output: ${lost} of ${total.toLocaleString('en-US')}.`,
    flood ? `Host loop delay p99, flood ÷ idle: ${(flood.loopP99 / Math.max(0.001, phases[0]?.loopP99 ?? 1)).toFixed(2)}×.` : '',
  ].join('\n');
}
