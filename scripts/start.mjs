#!/usr/bin/env node
// `npm start`: build, create a price-alerts interview workspace (once) and run it in the foreground.
// The workspace lives in .faultline-demo/ (git-ignored); delete it to start over.
import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const exercise = process.argv[2] ?? 'price-alerts';
const workspace = path.join(root, '.faultline-demo', exercise);
const cli = path.join(root, 'dist', 'cli.js');

const step = (args) => {
  const r = spawnSync(process.execPath, args, { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

step([path.join(root, 'scripts', 'build.mjs')]);
if (!fs.existsSync(path.join(workspace, '.faultline', 'workspace.json'))) {
  fs.rmSync(workspace, { recursive: true, force: true });
  step([cli, 'new', exercise, workspace]);
}
const up = spawn(process.execPath, [cli, 'up', workspace], { stdio: 'inherit', cwd: root });
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => up.kill(sig));
up.on('exit', (code, signal) => process.exit(code ?? (signal ? 130 : 1)));
