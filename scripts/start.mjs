#!/usr/bin/env node
// `npm start`: VS Code with Faultline and a price-alerts interview ready.
//
//   1. build; create the interview workspace once (offline) in .faultline-demo/<exercise>;
//   2. ask the editor that opens it to start its services (`faultline open --no-editor`);
//   3. open it: desktop VS Code when `code` is on PATH (this checkout as the extension under
//      development), otherwise code-server in the browser — installed and cached outside the repo
//      by scripts/code-server.mjs — with this checkout installed as its Faultline extension.
//
//   npm start                      price-alerts, as an interview
//   npm start -- order-system      another exercise
//   npm start -- --practice        practice mode
//   npm start -- --browser         code-server even when `code` is on PATH
//
// Environment: FAULTLINE_DEMO_DIR (default .faultline-demo), PORT (code-server's port; default: any
// free one), FAULTLINE_HOME (session folders), FAULTLINE_NO_BROWSER=1 (print code-server's URL
// without opening a browser). Delete the demo folder to start over.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const practice = argv.includes('--practice');
const browser = argv.includes('--browser');
const exercise = argv.find((a) => !a.startsWith('--')) ?? 'price-alerts';
const demo = path.resolve(process.env.FAULTLINE_DEMO_DIR ?? path.join(root, '.faultline-demo'));
const workspace = path.join(demo, exercise);
const cli = path.join(root, 'dist', 'cli.js');

/** A CLI step whose output matters only when it fails (its "next: faultline up …" is not for here: the editor starts the services). */
const step = (args) => {
  const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: root, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stdout.write(r.stdout ?? '');
    process.stderr.write(r.stderr ?? '');
    process.exit(r.status ?? 1);
  }
};

function onPath(command) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && fs.existsSync(path.join(dir, command))) return path.join(dir, command);
  }
  return null;
}

// (FAULTLINE_SKIP_BUILD: the caller just built, e.g. the test of this script.)
if (!process.env.FAULTLINE_SKIP_BUILD) step([path.join(root, 'scripts', 'build.mjs')]);
if (!fs.existsSync(path.join(workspace, '.faultline', 'workspace.json'))) {
  fs.rmSync(workspace, { recursive: true, force: true });
  step([cli, 'new', exercise, workspace]);
}
step([cli, 'open', workspace, '--no-editor', ...(practice ? ['--practice'] : [])]);
console.log(`${exercise} ${practice ? 'practice' : 'interview'} workspace: ${workspace}`);

const code = browser ? null : onPath('code');
if (code) {
  const r = spawnSync(code, ['--new-window', `--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit' });
  if (r.status === 0) {
    console.log(`VS Code opens ${workspace} with this Faultline; it starts the services. Ctrl-C does not stop it: close the window.`);
    process.exit(0);
  }
  console.error('`code` did not start; using code-server in the browser instead');
}

const { ensureCodeServer, linkCheckoutExtension } = await import('./code-server.mjs');
const server = await ensureCodeServer();
const data = path.join(demo, '.code-server');
const userData = path.join(data, 'user-data');
const extensions = path.join(data, 'extensions');
fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
const settingsFile = path.join(userData, 'User', 'settings.json');
// A quiet first window: no welcome page, tips, walkthrough pop-ups or chat pane beside the
// interview (what the e2e harness sets too). The user's own later changes are kept.
const defaults = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'faultline.workspacesFolder': demo,
};
if (!fs.existsSync(settingsFile)) fs.writeFileSync(settingsFile, JSON.stringify(defaults, null, 2) + '\n');
else {
  try {
    const existing = JSON.parse(fs.readFileSync(settingsFile, 'utf8'));
    fs.writeFileSync(settingsFile, JSON.stringify({ ...defaults, ...existing }, null, 2) + '\n');
  } catch {
    // edited by hand (comments): left as it is
  }
}
linkCheckoutExtension(extensions, root);

const config = path.join(data, 'config.yaml');
fs.writeFileSync(config, 'auth: none\ncert: false\n');
const child = spawn(
  server.node,
  [
    server.entry,
    '--bind-addr',
    `127.0.0.1:${process.env.PORT ?? 0}`,
    '--auth',
    'none',
    '--user-data-dir',
    userData,
    '--extensions-dir',
    extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    workspace,
  ],
  // No extension gallery: code-server would query open-vsx.org for nothing we need.
  { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, CODE_SERVER_CONFIG: config, EXTENSIONS_GALLERY: '{}' } },
);
let announced = false;
child.stdout.setEncoding('utf8').on('data', (chunk) => {
  process.stdout.write(chunk);
  const m = /HTTP server listening on (http:\/\/[^\s/]+)\/?/.exec(chunk);
  if (m && !announced) {
    announced = true;
    const url = `${m[1]}/?folder=${encodeURIComponent(workspace)}`;
    console.log(
      `\nFAULTLINE_VSCODE ${url}\nOpen it in your browser: VS Code with Faultline; the ${exercise} services start when it loads. Ctrl-C stops everything.`,
    );
    const opener = process.platform === 'darwin' ? 'open' : 'xdg-open';
    if (!process.env.FAULTLINE_NO_BROWSER && onPath(opener))
      spawn(opener, [url], { stdio: 'ignore', detached: true })
        .on('error', () => {})
        .unref();
  }
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
