#!/usr/bin/env node
// code-server (VS Code in a browser, run offline) for the end-to-end tests in real VS Code.
// Installed once per machine outside the repo, in ${XDG_CACHE_HOME:-~/.cache}/faultline/code-server-<version>/:
// a private npm prefix with node@24 (code-server needs Node 24) and code-server itself, whose
// postinstall builds VS Code's native modules against Node 24's headers (~3–4 min). A marker
// file is written only after every step succeeded, so an interrupted install is redone.
//
//   node scripts/code-server.mjs install    install if needed, print the entry path
//   node scripts/code-server.mjs path       print the entry path (exit 1 if not installed)
//   node scripts/code-server.mjs node       print the Node 24 binary it runs on
//   node scripts/code-server.mjs run -- …   run code-server with these arguments
//   (--json: print { node, entry, dir, version } instead)
//
// From code (ESM; TypeScript tests use a dynamic import):
//   const { ensureCodeServer } = await import('../../scripts/code-server.mjs');
//   const { node, entry } = await ensureCodeServer();   // spawn(node, [entry, '--auth', 'none', …])
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
const NODE_SPEC = 'node@24';
const APT_PACKAGES = ['libkrb5-dev', 'ripgrep'];
const MARKER = '.faultline-installed.json';

/** `${XDG_CACHE_HOME:-~/.cache}/faultline/code-server-<version>` */
export function codeServerDir(env = process.env) {
  const cache = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(cache, 'faultline', `code-server-${CODE_SERVER_VERSION}`);
}

/**
 * Two npm prefixes: `node/` (node@24) and `server/` (code-server). Separate, because node@24
 * installs its binary and headers from a preinstall script, outside npm's lockfile: a later
 * `npm install` in the same prefix retires them — while code-server's native builds need them.
 */
function layout(dir) {
  const server = path.join(dir, 'server', 'node_modules');
  return {
    dir,
    nodePrefix: path.join(dir, 'node'),
    serverPrefix: path.join(dir, 'server'),
    marker: path.join(dir, MARKER),
    node: path.join(dir, 'node', 'node_modules', 'node', 'bin', 'node'),
    entry: path.join(server, 'code-server', 'out', 'node', 'entry.js'),
    ripgrepBin: path.join(server, 'code-server', 'lib', 'vscode', 'node_modules', '@vscode', 'ripgrep', 'bin'),
  };
}

/** Folder with Node 24's `include/node` (node@24 nests it as node_modules/node-<platform>-<arch>). */
function nodeHeadersDir(prefix) {
  const name = `node-${process.platform}-${process.arch}`;
  const candidates = [path.join(prefix, 'node_modules', 'node', 'node_modules', name), path.join(prefix, 'node_modules', name)];
  return candidates.find((c) => fs.existsSync(path.join(c, 'include', 'node', 'common.gypi')));
}

function ensurePrefix(prefix, name) {
  fs.mkdirSync(prefix, { recursive: true });
  const pkgFile = path.join(prefix, 'package.json');
  if (!fs.existsSync(pkgFile)) {
    const pkg = { name, private: true, description: "Faultline's cache for end-to-end tests in code-server (scripts/code-server.mjs)" };
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
  }
}

/** `{ node, entry, dir, version }` if a complete install is there, else undefined (never installs). */
export function installedCodeServer(env = process.env) {
  const l = layout(codeServerDir(env));
  if (!fs.existsSync(l.marker) || !fs.existsSync(l.node) || !fs.existsSync(l.entry)) return undefined;
  return { node: l.node, entry: l.entry, dir: l.dir, version: CODE_SERVER_VERSION };
}

export class CodeServerInstallError extends Error {
  /** @param {string} message @param {{ offline?: boolean, output?: string }} [details] */
  constructor(message, details = {}) {
    super(message);
    this.name = 'CodeServerInstallError';
    /** True when the npm registry (or Debian's mirror) could not be reached: callers may skip instead of fail. */
    this.offline = details.offline ?? false;
    this.output = details.output ?? '';
  }
}

const OFFLINE =
  /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network request to .* failed)\b|Temporary failure resolving|Could not resolve/i;

/** Environment for the nested npm: nothing of an outer `npm run` (its prefix, package, nodedir) leaks in. */
function cleanEnv(extra) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^npm_(package|lifecycle)_/i.test(key) ||
      /^npm_config_(prefix|local_prefix|global_prefix|nodedir|node_gyp|save.*|global)$/i.test(key)
    )
      delete env[key];
  }
  delete env.INIT_CWD;
  delete env.NODE_OPTIONS;
  delete env.NODE_TEST_CONTEXT;
  return { ...env, ...extra };
}

/** What an interrupted install leaves behind is cleaned up on exit: running npm and our lock. */
const children = new Set();
const locks = new Set();
function releaseAll() {
  for (const child of children) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const lock of locks) fs.rmSync(lock, { force: true });
}
process.on('exit', releaseAll);

/**
 * Runs a command. All its output goes to `logFile`; lines that `show` accepts are also passed to
 * `log` as progress. Rejects with the tail of the output (and where the rest is).
 */
function run(cmd, args, { cwd, env, log, what, logFile, show = () => true, killable = true }) {
  return new Promise((resolve, reject) => {
    log(`  $ ${[cmd, ...args].join(' ')}`);
    fs.appendFileSync(logFile, `\n$ ${[cmd, ...args].join(' ')}\n`);
    // npm gets its own process group: it does not pass a SIGTERM on to its lifecycle scripts
    // (node-gyp, make, the compilers), so an interrupted install kills the whole group. apt is
    // never killed half-way (dpkg would be left "interrupted"): it finishes on its own.
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: killable });
    if (killable) children.add(child);
    child.on('close', () => children.delete(child));
    let output = '';
    let pending = '';
    const onData = (d) => {
      output += d;
      fs.appendFileSync(logFile, d);
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '' && show(line)) log(`    ${line.trim()}`);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('error', (err) => reject(new CodeServerInstallError(`${what}: cannot run ${cmd}: ${err.message}`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(output);
      const tail = output.trim().split('\n').slice(-30).join('\n');
      reject(
        new CodeServerInstallError(
          `${what} failed (${cmd} exited with ${code ?? signal}); full output in ${logFile}${tail ? `:\n${tail}` : ''}`,
          {
            offline: OFFLINE.test(output),
            output,
          },
        ),
      );
    });
  });
}

/** npm's noise ("Unknown user config nodedir") and compiler chatter stay in the log file. */
const NPM_PROGRESS = (line) => /^> \S+@\S+ (pre|post)?install$|^Installing |^added \d+ packages|^npm error/.test(line.trim());

function aptInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const p = path.join(dir || '.', cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

async function ensureAptPackages(log, logFile) {
  const missing = APT_PACKAGES.filter((p) => !aptInstalled(p));
  if (missing.length === 0) {
    log(`apt packages present: ${APT_PACKAGES.join(', ')}`);
    return;
  }
  if (!which('apt-get'))
    throw new CodeServerInstallError(`code-server needs ${missing.join(', ')} (apt-get not found: install them by hand)`);
  const root = process.getuid?.() === 0;
  if (!root && !which('sudo')) throw new CodeServerInstallError(`code-server needs ${missing.join(', ')}: run as root or install sudo`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // sudo -n: fail at once (with sudo's reason) rather than wait for a password nobody types
  const apt = (args, what) =>
    root
      ? run('apt-get', args, { env, log, what, logFile, show: () => false, killable: false })
      : run('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], {
          env,
          log,
          what,
          logFile,
          show: () => false,
          killable: false,
        });
  log(`installing apt packages: ${missing.join(', ')}`);
  await apt(['update', '-qq'], 'apt-get update');
  await apt(['install', '-y', '-qq', '--no-install-recommends', ...missing], `apt-get install ${missing.join(' ')}`);
}

function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

/** One installer at a time per machine (test files run in parallel): a lock file holding the owner's pid. */
async function withLock(dir, log, fn) {
  const lock = `${dir}.lock`;
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      locks.add(lock);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      const owner = Number.parseInt(fs.readFileSync(lock, 'utf8'), 10);
      if (!Number.isFinite(owner) || !pidAlive(owner)) {
        fs.rmSync(lock, { force: true }); // left by an interrupted install
        continue;
      }
      if (!announced) log(`waiting for another install of code-server (pid ${owner}) to finish…`);
      announced = true;
      if (Date.now() > deadline) throw new CodeServerInstallError(`gave up waiting for the code-server install of pid ${owner} (${lock})`);
      await sleep(1000); // a lock held by another process has no event to wait on
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { force: true });
    locks.delete(lock);
  }
}

/**
 * Installs code-server (if not yet complete) and returns `{ node, entry, dir, version }`.
 * Throws CodeServerInstallError (`.offline` when a registry could not be reached).
 * @param {{ log?: (line: string) => void, env?: NodeJS.ProcessEnv }} [options]
 */
export async function ensureCodeServer(options = {}) {
  const log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
  const env = options.env ?? process.env;
  const ready = installedCodeServer(env);
  if (ready) return ready;
  const l = layout(codeServerDir(env));
  return withLock(l.dir, log, async () => {
    const again = installedCodeServer(env); // someone else finished while we waited
    if (again) return again;
    const started = Date.now();
    const step = (n, text) => log(`[code-server ${n}/5] ${text}`);
    fs.mkdirSync(l.dir, { recursive: true });
    const logFile = path.join(l.dir, 'install.log');
    fs.writeFileSync(logFile, `${new Date().toISOString()} installing code-server ${CODE_SERVER_VERSION}\n`);
    log(`installing code-server ${CODE_SERVER_VERSION} into ${l.dir} (full output: ${logFile})`);
    const npmArgs = ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel', 'warn'];

    step(1, 'system packages (libkrb5-dev for the kerberos addon, ripgrep)');
    await ensureAptPackages(log, logFile);

    step(2, `${NODE_SPEC} (code-server runs on Node 24)`);
    ensurePrefix(l.nodePrefix, 'faultline-code-server-node');
    const nodeOk = () => fs.existsSync(l.node) && nodeHeadersDir(l.nodePrefix) !== undefined;
    if (!nodeOk()) {
      fs.rmSync(path.join(l.nodePrefix, 'node_modules'), { recursive: true, force: true });
      await run('npm', [...npmArgs, NODE_SPEC], {
        cwd: l.nodePrefix,
        env: cleanEnv({}),
        log,
        what: `npm install ${NODE_SPEC}`,
        logFile,
        show: NPM_PROGRESS,
      });
    }
    const headers = nodeHeadersDir(l.nodePrefix);
    if (!fs.existsSync(l.node) || !headers)
      throw new CodeServerInstallError(`npm install ${NODE_SPEC} left no Node binary or headers in ${l.nodePrefix}`);
    const nodeVersion = spawnSync(l.node, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
    if (!/^v24\./.test(nodeVersion)) throw new CodeServerInstallError(`expected Node 24 at ${l.node}, got "${nodeVersion}"`);
    log(`  Node ${nodeVersion}, headers in ${headers}`);

    step(3, `code-server@${CODE_SERVER_VERSION} (its postinstall builds VS Code's native modules: a few minutes)`);
    // No marker: whatever is there is a half-done install (its postinstall may not have finished).
    fs.rmSync(l.serverPrefix, { recursive: true, force: true });
    ensurePrefix(l.serverPrefix, 'faultline-code-server');
    const buildEnv = cleanEnv({ PATH: `${path.dirname(l.node)}${path.delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: headers });
    await run('npm', [...npmArgs, '--foreground-scripts', `code-server@${CODE_SERVER_VERSION}`], {
      cwd: l.serverPrefix,
      env: buildEnv,
      log,
      what: `npm install code-server@${CODE_SERVER_VERSION}`,
      logFile,
      show: NPM_PROGRESS,
    });
    if (!fs.existsSync(l.entry)) throw new CodeServerInstallError(`npm install code-server left no ${l.entry}`);

    step(4, 'ripgrep for VS Code search');
    const rg = path.join(l.ripgrepBin, 'rg');
    if (fs.existsSync(rg)) log(`  ${rg} present`);
    else {
      const system = which('rg');
      if (!system) throw new CodeServerInstallError(`@vscode/ripgrep has no binary and there is no rg on PATH (apt-get install ripgrep)`);
      fs.mkdirSync(l.ripgrepBin, { recursive: true });
      fs.copyFileSync(system, rg);
      fs.chmodSync(rg, 0o755);
      log(`  copied ${system} to ${rg}`);
    }

    step(5, 'check that it starts');
    // Its own config file, so the check does not write ~/.config/code-server/config.yaml.
    const checkEnv = cleanEnv({ CODE_SERVER_CONFIG: path.join(l.dir, 'config.yaml') });
    const check = spawnSync(l.node, [l.entry, '--version'], { encoding: 'utf8', env: checkEnv, timeout: 60_000 });
    // "4.139.1 <commit> with Code 1.139.1" (after a log line about the config file)
    const versionLine = (check.stdout ?? '').split('\n').find((line) => line.startsWith(`${CODE_SERVER_VERSION} `));
    if (check.status !== 0 || !versionLine) {
      throw new CodeServerInstallError(`code-server --version failed (${check.status ?? check.signal}): ${check.stdout}${check.stderr}`);
    }
    log(`  ${versionLine.trim()}`);

    const seconds = Math.round((Date.now() - started) / 1000);
    fs.writeFileSync(
      l.marker,
      JSON.stringify({ version: CODE_SERVER_VERSION, node: nodeVersion, installedAt: new Date().toISOString(), seconds }, null, 2) + '\n',
    );
    log(`code-server ${CODE_SERVER_VERSION} installed in ${seconds} s`);
    return { node: l.node, entry: l.entry, dir: l.dir, version: CODE_SERVER_VERSION };
  });
}

/** What the .vsix ships (see .vscodeignore), taken from a checkout. */
const EXTENSION_ENTRIES = [
  'package.json',
  'README.md',
  'CHANGELOG.md',
  'LICENSE',
  'dist',
  'schemas',
  'workspaces',
  'walkthroughs',
  'media',
  'node_modules',
];
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * This checkout as an unpacked extension `<extensionsDir>/<publisher>.<name>-<version>`, replacing
 * an older copy: the extension's own code (dist/, package.json) is copied — VS Code tells
 * extensions apart by the real path of their code, and a symlink out of the folder makes it an
 * unknown extension ("nullExtensionDescription") — the rest (exercises, node_modules…) is linked.
 * Returns the folder.
 */
export function linkCheckoutExtension(extensionsDir, root = repoRoot) {
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) throw new Error(`${root}/dist/extension.js is missing: run npm run build`);
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const dir = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const entry of EXTENSION_ENTRIES) {
    const target = path.join(root, entry);
    if (!fs.existsSync(target)) continue;
    if (entry === 'dist' || entry === 'package.json') fs.cpSync(target, path.join(dir, entry), { recursive: true });
    else fs.symlinkSync(target, path.join(dir, entry));
  }
  // Written by VS Code when it installs; a stale one would hide the unpacked folder.
  fs.rmSync(path.join(extensionsDir, 'extensions.json'), { force: true });
  return dir;
}

async function main(argv) {
  const json = argv.includes('--json');
  const [command = 'help', ...rest] = argv.filter((a) => a !== '--json');
  const print = (found, field) => console.log(json ? JSON.stringify(found) : found[field]);
  switch (command) {
    case 'install': {
      print(await ensureCodeServer(), 'entry');
      return 0;
    }
    case 'path':
    case 'node': {
      const found = installedCodeServer();
      if (!found) {
        console.error(
          `code-server ${CODE_SERVER_VERSION} is not installed in ${codeServerDir()} (run: node scripts/code-server.mjs install)`,
        );
        return 1;
      }
      print(found, command === 'path' ? 'entry' : 'node');
      return 0;
    }
    case 'run': {
      const { node, entry, dir } = await ensureCodeServer();
      const args = rest[0] === '--' ? rest.slice(1) : rest;
      // code-server would otherwise create ~/.config/code-server/config.yaml (with a password).
      const env = cleanEnv({ CODE_SERVER_CONFIG: process.env.CODE_SERVER_CONFIG ?? path.join(dir, 'config.yaml') });
      const child = spawn(node, [entry, ...args], { stdio: 'inherit', env });
      return new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))));
    }
    default:
      console.error(
        [
          'usage: node scripts/code-server.mjs <command> [--json]',
          '  install   install code-server if needed; print its entry.js (--json: { node, entry, dir, version })',
          '  path      print entry.js of a complete install (exit 1 if there is none)',
          '  node      print the Node 24 binary it runs on',
          '  run -- …  run code-server with these arguments',
        ].join('\n'),
      );
      return command === 'help' ? 0 : 2;
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // Ctrl-C or a kill during the install: stop npm/apt too, release the lock; the next run redoes it.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      console.error(`code-server: interrupted (${signal}); the next install starts over`);
      process.exit(130); // runs releaseAll
    });
  }
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err) => {
      console.error(`code-server: ${err instanceof Error ? err.message : String(err)}`);
      if (err instanceof CodeServerInstallError && err.offline)
        console.error('(a package registry could not be reached: is the network up?)');
      process.exitCode = 1;
    },
  );
}
