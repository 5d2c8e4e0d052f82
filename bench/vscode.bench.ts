/**
 * The VS Code face, in real VS Code (code-server + Chromium), side by side in one run:
 *
 *   activate         Faultline's activate() (its own "activated in N ms" log line): empty window
 *                    vs a window on a Faultline workspace (the catalog, views, Live Share probe)
 *   new interview    "Faultline: New Interview…" → every service healthy: scaffold, window reload,
 *                    activation, start-up; against the same work done by the CLI
 *                    (`faultline new` + `faultline up` until FAULTLINE_READY)
 *
 *   npm run bench -- vscode [--rounds N]      (default 3; each round starts VS Code twice)
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { launchVSCode, type VSCode } from '../test/e2e/vscode';
import { cli, median } from './session';

const fmt = (xs: number[]) => `${median(xs).toFixed(0)} ms | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} ms`;

async function activation(vscode: VSCode): Promise<number> {
  const log = await vscode.outputChannelText('Faultline', { contains: /activated in \d+ ms/ });
  const all = [...log.matchAll(/activated in (\d+) ms/g)];
  return Number(all.at(-1)?.[1]);
}

async function untilHealthy(home: string, deadline: number): Promise<void> {
  for (;;) {
    const sessions = path.join(home, 'sessions');
    for (const dir of fs.existsSync(sessions) ? fs.readdirSync(sessions) : []) {
      const file = path.join(sessions, dir, 'state.json');
      if (fs.existsSync(file) && !(JSON.parse(fs.readFileSync(file, 'utf8')) as { stoppedAt?: string }).stoppedAt) return;
    }
    if (Date.now() > deadline) throw new Error('no session became healthy');
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function cliNewUp(tmp: string): Promise<number> {
  const ws = path.join(tmp, `cli-${Date.now()}`);
  const env = { ...process.env, FAULTLINE_HOME: path.join(tmp, 'cli-home') };
  const t = performance.now();
  if (spawnSync(process.execPath, [cli, 'new', 'price-alerts', ws], { env }).status !== 0) throw new Error('faultline new failed');
  const up = spawn(process.execPath, [cli, 'up', ws], { env });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    up.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('FAULTLINE_READY')) resolve();
    });
    up.on('exit', () => reject(new Error(`up exited: ${out}`)));
  });
  const ms = performance.now() - t;
  up.kill('SIGINT');
  await new Promise((r) => up.on('exit', r));
  return ms;
}

export async function run(args: string[]): Promise<string> {
  const at = args.indexOf('--rounds');
  const rounds = at >= 0 ? Number(args[at + 1]) : 3;
  const empty: number[] = [];
  const onWorkspace: number[] = [];
  const newInterview: number[] = [];
  const cliTimes: number[] = [];
  const inEditor: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-bench-vscode-'));
    try {
      const interviews = path.join(tmp, 'interviews');
      const home = path.join(tmp, 'home');
      const vscode = await launchVSCode({
        name: `bench-vscode-${r}`,
        env: { FAULTLINE_HOME: home },
        settings: { 'faultline.workspacesFolder': interviews },
      });
      try {
        empty.push(await activation(vscode));
        await vscode.runCommand('Faultline: New Interview…');
        await vscode.quickPick('Price Alerts');
        const t = performance.now();
        await vscode.inputBox(path.join(interviews, 'ws'));
        await untilHealthy(home, Date.now() + 180_000);
        newInterview.push(performance.now() - t);
        const log = await vscode.outputChannelText('Faultline', { contains: /is running/ });
        onWorkspace.push(await activation(vscode));
        // In the new window: activation → services healthy, from the log's own timestamps.
        const stamp = (re: RegExp) => {
          const line =
            log
              .split('\n')
              .filter((l) => re.test(l))
              .at(-1) ?? '';
          return Date.parse(line.slice(0, 23).replace(' ', 'T'));
        };
        inEditor.push(stamp(/is running/) - stamp(/activated in/));
      } finally {
        await vscode.close();
      }
      cliTimes.push(await cliNewUp(tmp));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  const base = median(cliTimes);
  return [
    `${rounds} rounds, code-server 4.139.1 (VS Code 1.139.1), ${os.cpus().length} CPUs, load ${os.loadavg()[0]?.toFixed(1)}`,
    '',
    '| variant | median | range | ratio |',
    '|---|---|---|---|',
    `| activate(), empty window | ${fmt(empty)} | |`,
    `| activate(), Faultline workspace | ${fmt(onWorkspace)} | ${(median(onWorkspace) / median(empty)).toFixed(2)}× empty |`,
    `| CLI: \`faultline new\` + \`up\` → ready | ${fmt(cliTimes)} | 1.00× |`,
    `| VS Code: New Interview (after the folder is given) → services healthy | ${fmt(newInterview)} | ${(median(newInterview) / base).toFixed(2)}× CLI |`,
    `| … of which: new window's activation → services healthy | ${fmt(inEditor)} | ${(median(inEditor) / base).toFixed(2)}× CLI |`,
  ].join('\n');
}
