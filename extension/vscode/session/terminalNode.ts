/**
 * The candidate's terminals get each service's public address (`INGRESS_URL`, `API_URL`…) while a
 * session runs, and a Node.js the exercise can use. Its tests (`npm test`: `node
 * --test` with globs, better-sqlite3) need the exercise's Node major; when the `node` on PATH is
 * older or missing, terminals opened in this window find a `node` first on PATH that runs the
 * services' own runtime (VS Code's, or `faultline.nodePath`). `npm` follows, since it runs on
 * whichever `node` PATH names. Nothing changes when PATH already has a new enough Node.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { candidateInfo, serviceUrlEnv } from '../../engine/candidateInfo';
import { majorOf, pathNodeVersion, type Runtime } from '../../engine/runtime';
import { output } from '../ui';
import type { SessionManager } from './manager';
import { editorRuntime } from './runtime';

/** Write a `node` launcher for `runtime` into `dir` (POSIX shell script or Windows .cmd); returns `dir`. */
export function writeNodeShim(dir: string, runtime: Runtime): string {
  fs.mkdirSync(dir, { recursive: true });
  const env = Object.entries(runtime.env);
  if (process.platform === 'win32') {
    const sets = env.map(([k, v]) => `set "${k}=${v}"\r\n`).join('');
    fs.writeFileSync(path.join(dir, 'node.cmd'), `@echo off\r\nsetlocal\r\n${sets}"${runtime.execPath}" %*\r\n`);
  } else {
    const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
    const sets = env.map(([k, v]) => `${k}=${quote(v)} `).join('');
    const file = path.join(dir, 'node');
    fs.writeFileSync(
      file,
      `#!/bin/sh\n# Faultline: Node ${runtime.version} for this exercise's terminals\n${sets}exec ${quote(runtime.execPath)} "$@"\n`,
    );
    fs.chmodSync(file, 0o755);
  }
  return dir;
}

export function registerTerminalNode(context: vscode.ExtensionContext, sessions: SessionManager): vscode.Disposable {
  const collection = context.environmentVariableCollection;
  let applied: string | undefined;
  const update = async () => {
    const ws = sessions.workspace;
    const services = sessions.running ? candidateInfo(sessions.running.state).services : {};
    const key = ws && sessions.role !== 'guest' ? JSON.stringify([ws.dir, services]) : undefined;
    if (key === applied) return;
    applied = key;
    collection.clear();
    if (!ws || key === undefined) return;
    // Each service's public address, as the brief names it (INGRESS_URL, API_URL…), while a session runs.
    const urls = serviceUrlEnv(services);
    for (const [name, url] of Object.entries(urls)) collection.replace(name, url);
    if (Object.keys(urls).length > 0) collection.description = `Faultline: ${Object.keys(urls).join(', ')}`;
    const minMajor = ws.exercise.manifest.runtime?.node;
    if (minMajor === undefined) return;
    const found = await pathNodeVersion(); // not at activation's expense: terminals open later
    if (applied !== key || (found && majorOf(found) >= minMajor)) return;
    let runtime: Runtime;
    try {
      runtime = editorRuntime(sessions.install, minMajor);
    } catch (err) {
      output.log?.warn(
        `terminals keep ${found ? `Node ${found}` : 'no Node.js'} from PATH: ${err instanceof Error ? err.message : String(err)}`,
      );
      return;
    }
    // Named after the Node it runs (e.g. terminal-node/24.4.1), not the minimum the exercise needs.
    const dir = writeNodeShim(path.join(context.globalStorageUri.fsPath, 'terminal-node', runtime.version.replace(/^v/, '')), runtime);
    collection.prepend('PATH', dir + path.delimiter);
    collection.description =
      `Faultline: \`node\` is Node ${runtime.version} (${ws.exercise.manifest.title} needs Node ${minMajor}+; PATH has ${found ? `Node ${found}` : 'none'})` +
      (Object.keys(urls).length > 0 ? `; ${Object.keys(urls).join(', ')}` : '');
    output.log?.info(`terminals get Node ${runtime.version} from ${dir} (PATH has ${found ? `Node ${found}` : 'no node'})`);
  };
  const run = () => void update().catch((err: unknown) => output.log?.warn(`terminal node: ${String(err)}`));
  run();
  return sessions.onDidChange(run);
}
