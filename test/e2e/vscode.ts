/**
 * End-to-end tests in real VS Code: code-server (VS Code 1.139 in a browser, installed offline by
 * `scripts/code-server.mjs`) driven by Debian's Chromium through playwright-core.
 *
 * Every launch gets its own temp folder: a user-data-dir with settings (no telemetry, no welcome
 * page, no workspace trust prompt), an extensions-dir holding this checkout as an unpacked
 * extension `faultline.faultline-<version>` (symlinks to package.json, dist, schemas, workspaces,
 * node_modules, …: what the .vsix ships, run from the working tree), and a FAULTLINE_HOME so
 * sessions never touch ~/.faultline. code-server listens on 127.0.0.1:0 and reports its port.
 *
 *   e2eTest('the extension activates', { folder }, async (vscode) => {
 *     await vscode.outputChannelText('Faultline', { contains: /price-alerts/ });
 *     await vscode.runCommand('Faultline: Open Exercise…');
 *   });
 *
 * e2eTest saves a screenshot at the end of every test (`<name>.png`) and on failure
 * (`<name>-failure.png`) in test/e2e/screenshots/, and always stops code-server (its whole
 * process group: extension host, language server, …) and the browser.
 *
 * Debugging: FAULTLINE_E2E_HEADED=1 shows the browser (needs a display, e.g. `xvfb-run`);
 * FAULTLINE_E2E_KEEP=1 keeps the temp folder (user-data-dir with logs, FAULTLINE_HOME) and prints
 * where it is; FAULTLINE_E2E_SLOWMO=<ms> slows every browser action down.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test, type TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { browserSkipReason as e2eSkipReason, CHROMIUM, CHROMIUM_ARGS } from '../helpers/testing';

export { CHROMIUM, CHROMIUM_ARGS, e2eSkipReason };
export const repoRoot = path.resolve(__dirname, '..', '..');
export const SCREENSHOTS = path.join(repoRoot, 'test', 'e2e', 'screenshots');
/** Installing code-server the first time builds VS Code's native modules: minutes, not seconds. */
export const INSTALL_TIMEOUT_MS = 20 * 60_000;
const DEFAULT_TIMEOUT_MS = 60_000;

/** User settings for a test profile: quiet, no first-run UI, no trust prompt. `settings` are merged on top. */
export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'editor.minimap.enabled': false,
  'remote.autoForwardPorts': false,
};

export interface CodeServerInstall {
  /** Node 24 binary code-server runs on. */
  node: string;
  /** code-server's `out/node/entry.js`. */
  entry: string;
}

interface CodeServerScript {
  ensureCodeServer(options?: { log?: (line: string) => void }): Promise<CodeServerInstall>;
  linkCheckoutExtension(extensionsDir: string, root?: string): string;
}

/** scripts/code-server.mjs (ESM), shared with `npm start`. */
function codeServerScript(): Promise<CodeServerScript> {
  return import(pathToFileURL(path.join(repoRoot, 'scripts', 'code-server.mjs')).href) as Promise<CodeServerScript>;
}

let installing: Promise<CodeServerInstall> | undefined;

/**
 * code-server, installed by scripts/code-server.mjs if it is not yet (once per process; ~0 s when
 * the cache is complete). Install progress goes to stderr.
 */
export function ensureCodeServer(): Promise<CodeServerInstall> {
  installing ??= (async () => {
    const script = await codeServerScript();
    return script.ensureCodeServer({ log: (line) => process.stderr.write(`[code-server install] ${line}\n`) });
  })();
  return installing;
}

export interface LaunchOptions {
  /** For the temp folder and screenshot names. */
  name: string;
  /** Folder to open (absolute). Without it VS Code opens on an empty window. */
  folder?: string;
  /** More environment for code-server and so for the extension host (and what it spawns). */
  env?: Record<string, string>;
  /** User settings merged over DEFAULT_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Install this .vsix (code-server --install-extension) instead of linking the checkout. */
  vsix?: string;
  /** More unpacked extensions (folders with a package.json) to install beside Faultline, e.g. a test helper. */
  extraExtensions?: string[];
  /** Show the browser (default: FAULTLINE_E2E_HEADED=1). */
  headed?: boolean;
  /** Keep the temp folder after close (default: FAULTLINE_E2E_KEEP=1). */
  keep?: boolean;
  /** Deadline for code-server to listen and the workbench to appear (default 120 s). */
  startTimeoutMs?: number;
  /** Browser viewport. */
  viewport?: { width: number; height: number };
}

export interface WaitOptions {
  timeoutMs?: number;
}

export interface VSCode {
  readonly page: Page;
  readonly browser: Browser;
  /** http://127.0.0.1:<port>/ of code-server. */
  readonly url: string;
  /** The temp folder holding everything below (deleted by close() unless kept). */
  readonly tmp: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** FAULTLINE_HOME of the extension host. */
  readonly faultlineHome: string;
  /** Environment code-server (and so the extension host) was started with. */
  readonly env: NodeJS.ProcessEnv;
  /** code-server's own stdout and stderr so far. */
  serverOutput(): string;
  /** F1, type the command's full title ("Category: Title"), pick exactly that entry. */
  runCommand(title: string, options?: WaitOptions): Promise<void>;
  /** Pick an item of the open quick pick by its label (filters by typing it first). */
  quickPick(label: string | RegExp, options?: WaitOptions & { filter?: boolean }): Promise<void>;
  /** Answer the open input box: type `text`, Enter. */
  inputBox(text: string, options?: WaitOptions): Promise<void>;
  /** Resolves with the text of the first notification toast matching `pattern`. */
  waitForNotification(pattern: RegExp, options?: WaitOptions): Promise<string>;
  /** Clicks a button (e.g. "Open Output") of the notification toast matching `pattern`. */
  notificationAction(pattern: RegExp, button: string, options?: WaitOptions): Promise<void>;
  /** Resolves with the message of the modal dialog (showInformationMessage(…, { modal: true }), …) matching `pattern`. */
  waitForDialog(pattern: RegExp, options?: WaitOptions): Promise<string>;
  /** Clicks a button of the open modal dialog. */
  dialogButton(label: string, options?: WaitOptions): Promise<void>;
  /**
   * The full text of an output channel, read from its log file in the user-data-dir (complete,
   * unlike the virtualised editor on screen). With `contains`, waits until the text matches.
   */
  outputChannelText(name: string, options?: WaitOptions & { contains?: RegExp }): Promise<string>;
  /** Shows an output channel in the Output panel (for screenshots and human eyes). */
  showOutputChannel(name: string, options?: WaitOptions): Promise<void>;
  /** View: Open View… and pick `name` (e.g. "Problems", "Explorer", a Faultline view). */
  openView(name: string, options?: WaitOptions): Promise<void>;
  /** Quick Open (Ctrl+P) a file of the opened folder by relative path; resolves when its editor is active. */
  openFile(relativePath: string, options?: WaitOptions): Promise<Locator>;
  /** Rows of the Problems panel (opened if needed) as their accessible labels, e.g. "Error: … at line 3 column 5". */
  problems(options?: WaitOptions & { contains?: RegExp }): Promise<string[]>;
  /** Full-page PNG in test/e2e/screenshots/<name>.png; returns its path. */
  screenshot(name: string): Promise<string>;
  /** Closes the browser and kills code-server's whole process group; idempotent, never throws. */
  close(): Promise<void>;
}

/** A free-form name made safe for file names. */
export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || 'vscode'
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const ELLIPSIS = /(?:\.\.\.|…)$/;

function withoutEllipsis(label: string): string {
  return label.replace(ELLIPSIS, '');
}

/** Matches a quick pick label exactly, except that a trailing "..." / "…" is optional and either form. */
function exactLabel(label: string): RegExp {
  const ellipsis = ELLIPSIS.test(label) ? '(?:\\.\\.\\.|…)?' : '';
  return new RegExp(`^${escapeRegExp(withoutEllipsis(label))}${ellipsis}$`);
}

function envFlag(name: string): boolean {
  const v = process.env[name];
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

function extensionFolderName(root: string): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
  return `${pkg.publisher}.${pkg.name}-${pkg.version}`;
}

/** `<extensionsDir>/<publisher>.<name>-<version>`: this checkout as an unpacked extension. */
export async function linkExtension(extensionsDir: string, root = repoRoot): Promise<string> {
  return (await codeServerScript()).linkCheckoutExtension(extensionsDir, root);
}

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(value, null, 2) + '\n');
}

/** Every file below `dir` (missing folders are empty). */
function walk(dir: string): string[] {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

/** Polls `check` (a file, a process: things without an event) until it returns a value, or throws after the deadline. */
async function until<T>(check: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function httpStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(5_000, () => req.destroy());
  });
}

/** Kills a detached child's whole process group (SIGTERM, then SIGKILL after `graceMs`); resolves when the leader exited. */
async function killGroup(child: ChildProcess, exited: Promise<unknown>, graceMs: number): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // the group is gone
    }
  };
  signal('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  // Whatever is left of the group (extension host, language server, pty host): no orphans.
  signal('SIGKILL');
  await exited;
}

/** Groups to kill if this process ends while code-servers run (a test timed out, Ctrl-C). */
const liveGroups = new Set<number>();
function killLiveGroups(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  liveGroups.clear();
}
process.on('exit', killLiveGroups);
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    killLiveGroups();
    process.kill(process.pid, sig);
  });
}

async function startCodeServer(
  install: CodeServerInstall,
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ child: ChildProcess; exited: Promise<number | null>; url: string; output: { text: string } }> {
  const child = spawn(install.node, [install.entry, ...args], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid !== undefined) liveGroups.add(child.pid);
  const output = { text: '' };
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (child.pid !== undefined) liveGroups.delete(child.pid);
      resolve(code);
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within ${timeoutMs} ms:\n${output.text}`)), timeoutMs);
    const onData = (d: string) => {
      output.text += d;
      const m = /HTTP server listening on (http:\/\/[^\s/]+)/.exec(output.text);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (${code ?? sig}) before listening:\n${output.text}`));
    });
  }).catch(async (err: unknown) => {
    await killGroup(child, exited, 2_000);
    throw err;
  });
  return { child, exited, url, output };
}

/** Runs code-server's CLI to completion (e.g. --install-extension). */
function runCodeServerCli(install: CodeServerInstall, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(install.node, [install.entry, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, sig) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`code-server ${args.join(' ')} failed (${code ?? sig}):\n${output}`));
    });
  });
}

/** Starts code-server with a fresh profile and this extension, and a browser on its workbench. */
export async function launchVSCode(options: LaunchOptions): Promise<VSCode> {
  const install = await ensureCodeServer();
  const name = slug(options.name);
  const keep = options.keep ?? envFlag('FAULTLINE_E2E_KEEP');
  const headed = options.headed ?? envFlag('FAULTLINE_E2E_HEADED');
  const startTimeoutMs = options.startTimeoutMs ?? 120_000;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `faultline-vscode-${name}-`));
  const userDataDir = path.join(tmp, 'user-data');
  const extensionsDir = path.join(tmp, 'extensions');
  const faultlineHome = path.join(tmp, 'faultline-home');
  for (const dir of [userDataDir, extensionsDir, faultlineHome]) fs.mkdirSync(dir, { recursive: true });
  writeJson(path.join(userDataDir, 'User', 'settings.json'), { ...DEFAULT_SETTINGS, ...options.settings });
  // code-server reads (and would otherwise create) ~/.config/code-server/config.yaml.
  const config = path.join(tmp, 'config.yaml');
  fs.writeFileSync(config, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FAULTLINE_HOME: faultlineHome,
    NO_COLOR: '1',
    // No extension gallery: code-server would query open-vsx.org (unreachable, and none of a test's business).
    EXTENSIONS_GALLERY: '{}',
    ...options.env,
  };
  // Nothing of the test runner or an outer npm leaks into VS Code's Node processes.
  for (const key of Object.keys(env)) if (/^npm_/i.test(key)) delete env[key];
  delete env['NODE_OPTIONS'];
  delete env['NODE_TEST_CONTEXT'];
  delete env['VSCODE_IPC_HOOK_CLI'];

  const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  let server: Awaited<ReturnType<typeof startCodeServer>> | undefined;
  let browser: Browser | undefined;
  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      await browser?.close().catch(() => undefined);
      if (server) await killGroup(server.child, server.exited, 5_000);
      if (keep) process.stderr.write(`[vscode e2e] kept ${tmp} (user data, logs, FAULTLINE_HOME)\n`);
      else fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
    })());

  try {
    if (options.vsix) {
      await runCodeServerCli(install, [...common, '--install-extension', options.vsix], env, startTimeoutMs);
    } else {
      await linkExtension(extensionsDir);
    }
    for (const extra of options.extraExtensions ?? []) fs.symlinkSync(extra, path.join(extensionsDir, extensionFolderName(extra)));
    server = await startCodeServer(
      install,
      [
        ...common,
        '--bind-addr',
        '127.0.0.1:0',
        '--auth',
        'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--ignore-last-opened',
        ...(options.folder ? [options.folder] : []),
      ],
      env,
      startTimeoutMs,
    );
    const url = `${server.url}/`;
    await until(
      async () => ((await httpStatus(`${url}healthz`)) === 200 ? true : undefined),
      startTimeoutMs,
      () => `${url}healthz`,
    );

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: !headed,
      args: CHROMIUM_ARGS,
      ...(process.env['FAULTLINE_E2E_SLOWMO'] ? { slowMo: Number(process.env['FAULTLINE_E2E_SLOWMO']) } : {}),
    });
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1440, height: 900 } });
    const page = await context.newPage();
    page.setDefaultTimeout(DEFAULT_TIMEOUT_MS);
    const target = options.folder ? `${url}?folder=${encodeURIComponent(options.folder)}` : url;
    await page.goto(target, { timeout: startTimeoutMs });
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: startTimeoutMs });
    return makeVSCode({ page, browser, url, tmp, userDataDir, extensionsDir, faultlineHome, env, server, close });
  } catch (err) {
    await close();
    throw err;
  }
}

function makeVSCode(x: {
  page: Page;
  browser: Browser;
  url: string;
  tmp: string;
  userDataDir: string;
  extensionsDir: string;
  faultlineHome: string;
  env: NodeJS.ProcessEnv;
  server: { output: { text: string } };
  close: () => Promise<void>;
}): VSCode {
  const { page } = x;
  const quickInput = page.locator('.quick-input-widget');
  const quickInputBox = quickInput.locator('.quick-input-box input');
  const rows = quickInput.locator('.quick-input-list .monaco-list-row');
  const timeout = (o?: WaitOptions) => o?.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  /** The row whose label is exactly `label` ("..." and "…" alike, a trailing one optional) or matches the RegExp. */
  const rowWithLabel = (label: string | RegExp) =>
    rows.filter({ has: page.locator('.label-name', { hasText: typeof label === 'string' ? exactLabel(label) : label }) });

  const visibleRowLabels = async () => (await rows.locator('.label-name').allTextContents()).map((s) => s.trim());

  const pickRow = async (label: string | RegExp, o?: WaitOptions) => {
    const row = rowWithLabel(label).first();
    try {
      await row.waitFor({ state: 'visible', timeout: timeout(o) });
    } catch (err) {
      throw new Error(`no quick pick item ${String(label)}; visible: ${JSON.stringify(await visibleRowLabels())}`, { cause: err });
    }
    await row.click();
  };

  /**
   * Wait until the quick input no longer shows `typed`: it closed, or the next prompt replaced it.
   * The widget is shared by every prompt, so an action right after must not type into the leftover.
   */
  const leaves = async (typed: string, failure: string, o?: WaitOptions) => {
    const settled = Date.now() + timeout(o);
    while ((await quickInputBox.isVisible()) && (await quickInputBox.inputValue().catch(() => '')) === typed) {
      if (Date.now() > settled) throw new Error(`the quick input still shows "${typed}": ${failure}`);
      await page.waitForTimeout(50);
    }
  };

  const runCommand = async (title: string, o?: WaitOptions) => {
    // The palette lists the commands known when it opened: commands contributed by an extension
    // that the extension host has not registered yet show up on a later try.
    const deadline = Date.now() + timeout(o);
    for (let attempt = 1; ; attempt++) {
      if (await quickInput.isVisible()) await page.keyboard.press('Escape');
      await quickInput.waitFor({ state: 'hidden', timeout: timeout(o) });
      await page.keyboard.press('F1');
      await quickInputBox.waitFor({ state: 'visible', timeout: timeout(o) });
      await quickInputBox.fill(`>${withoutEllipsis(title)}`);
      const left = deadline - Date.now();
      try {
        await pickRow(title, { timeoutMs: Math.max(1_000, Math.min(left, 5_000 * attempt)) });
        // The command runs: the palette closes, or the command's own quick input replaces it.
        await leaves(`>${withoutEllipsis(title)}`, 'the command did not run', o);
        return;
      } catch (err) {
        if (Date.now() >= deadline) throw err;
      }
    }
  };

  const quickPick = async (label: string | RegExp, o?: WaitOptions & { filter?: boolean }) => {
    await quickInputBox.waitFor({ state: 'visible', timeout: timeout(o) });
    if (typeof label === 'string' && o?.filter !== false) {
      // Quick access pickers keep their prefix in the input ("view ", ">", "?"): type after it.
      const prefix = await quickInputBox.inputValue();
      const typed = `${prefix}${withoutEllipsis(label)}`;
      await quickInputBox.fill(typed);
      await pickRow(label, o);
      await leaves(typed, `picking "${String(label)}" did not close the pick`, o);
      return;
    }
    await pickRow(label, o);
  };

  const inputBox = async (text: string, o?: WaitOptions) => {
    await quickInputBox.waitFor({ state: 'visible', timeout: timeout(o) });
    await quickInputBox.fill(text);
    await quickInputBox.press('Enter');
    await leaves(text, 'the input was not accepted (see its validation message)', o);
  };

  const waitForNotification = async (pattern: RegExp, o?: WaitOptions) => {
    const toast = page.locator('.notifications-toasts .notification-toast .notification-list-item-message', { hasText: pattern }).first();
    await toast.waitFor({ state: 'visible', timeout: timeout(o) });
    return (await toast.textContent()) ?? '';
  };

  const notificationAction = async (pattern: RegExp, button: string, o?: WaitOptions) => {
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: pattern }).first();
    await toast.waitFor({ state: 'visible', timeout: timeout(o) });
    await toast
      .locator('.monaco-button', { hasText: exactLabel(button) })
      .first()
      .click({ timeout: timeout(o) });
  };

  const dialog = page.locator('.monaco-dialog-box');
  const waitForDialog = async (pattern: RegExp, o?: WaitOptions) => {
    // The message sits in .dialog-message-text (with a detail: .dialog-message / .dialog-message-detail).
    const message = dialog.locator('.dialog-message-row', { hasText: pattern }).first();
    await message.waitFor({ state: 'visible', timeout: timeout(o) });
    return (await message.textContent()) ?? '';
  };

  const dialogButton = async (label: string, o?: WaitOptions) => {
    await dialog
      .locator('.dialog-buttons .monaco-button', { hasText: exactLabel(label) })
      .first()
      .click({ timeout: timeout(o) });
    await dialog.waitFor({ state: 'hidden', timeout: timeout(o) });
  };

  /** Log files of an output channel: `<logs>/…/N-<name>.log` (output channels) or `<name>.log` (log channels). */
  const channelFiles = (name: string) => {
    // VS Code drops characters file names cannot hold ("Faultline: api" → "Faultline api.log").
    const fileName = name.replace(/[\\/:*?"<>|]/g, '');
    const names = new RegExp(`^(?:\\d+-)?${escapeRegExp(fileName)}\\.log$`);
    return walk(path.join(x.userDataDir, 'logs')).filter((f) => names.test(path.basename(f)));
  };

  const outputChannelText = async (name: string, o?: WaitOptions & { contains?: RegExp }) => {
    const read = () => {
      const files = channelFiles(name);
      if (files.length === 0) return undefined;
      const text = files.map((f) => fs.readFileSync(f, 'utf8')).join('');
      return !o?.contains || o.contains.test(text) ? text : undefined;
    };
    return until(read, timeout(o), () => {
      const files = channelFiles(name);
      if (files.length === 0) {
        const logs = walk(path.join(x.userDataDir, 'logs')).map((f) => path.relative(x.userDataDir, f));
        return `a log file of output channel "${name}" (logs: ${logs.join(', ') || 'none'})`;
      }
      return `${String(o?.contains)} in output channel "${name}" (${files.join(', ')}):\n${files.map((f) => fs.readFileSync(f, 'utf8')).join('')}`;
    });
  };

  const showOutputChannel = async (name: string, o?: WaitOptions) => {
    await runCommand('Output: Show Output Channels...', o);
    await quickPick(name, o);
    await page
      .locator('.part.panel .output-view, .part.panel [id="workbench.panel.output"]')
      .first()
      .waitFor({ state: 'visible', timeout: timeout(o) });
  };

  const openView = async (name: string, o?: WaitOptions) => {
    await runCommand('View: Open View...', o);
    await quickPick(name, o);
  };

  const openFile = async (relativePath: string, o?: WaitOptions) => {
    const base = path.basename(relativePath);
    // Quick Open lists files from the workspace's file search, which a freshly opened window
    // (on a loaded machine) may still be starting: ask again until the deadline rather than once.
    const deadline = Date.now() + timeout(o);
    for (;;) {
      if (await quickInput.isVisible()) await page.keyboard.press('Escape');
      await page.keyboard.press('Control+P');
      await quickInputBox.waitFor({ state: 'visible', timeout: Math.max(1000, deadline - Date.now()) });
      await quickInputBox.fill(relativePath);
      const left = deadline - Date.now();
      try {
        await pickRow(base, { timeoutMs: Math.max(1000, Math.min(15_000, left)) });
        break;
      } catch (err) {
        if (Date.now() >= deadline) throw err;
      }
    }
    const tab = page.locator(`.tabs-container .tab.active[data-resource-name="${base}"]`);
    await tab.waitFor({ state: 'visible', timeout: timeout(o) });
    const editor = page.locator('.editor-group-container.active .monaco-editor').first();
    await editor.waitFor({ state: 'visible', timeout: timeout(o) });
    return editor;
  };

  const problems = async (o?: WaitOptions & { contains?: RegExp }) => {
    const panel = page.locator('.markers-panel');
    if (!(await panel.isVisible())) {
      await runCommand('View: Focus Problems (Errors, Warnings, Infos)', o);
      await panel.waitFor({ state: 'visible', timeout: timeout(o) });
    }
    const markerRows = panel.locator('.monaco-list-row');
    if (o?.contains) {
      await markerRows
        .filter({ hasText: o.contains })
        .first()
        .waitFor({ state: 'visible', timeout: timeout(o) });
    }
    const labels: string[] = [];
    for (const row of await markerRows.all()) labels.push((await row.getAttribute('aria-label')) ?? (await row.textContent()) ?? '');
    return labels;
  };

  const screenshot = async (name: string) => {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    const file = path.join(SCREENSHOTS, `${slug(name)}.png`);
    await page.screenshot({ path: file });
    return file;
  };

  return {
    page,
    browser: x.browser,
    url: x.url,
    tmp: x.tmp,
    userDataDir: x.userDataDir,
    extensionsDir: x.extensionsDir,
    faultlineHome: x.faultlineHome,
    env: x.env,
    serverOutput: () => x.server.output.text,
    runCommand,
    quickPick,
    inputBox,
    waitForNotification,
    notificationAction,
    waitForDialog,
    dialogButton,
    outputChannelText,
    showOutputChannel,
    openView,
    openFile,
    problems,
    screenshot,
    close: x.close,
  };
}

export interface E2ETestOptions extends Omit<LaunchOptions, 'name' | 'folder'> {
  /** Folder to open; a function runs first (e.g. to copy an exercise into a temp folder). */
  folder?: string | (() => string);
  /** Deadline of the test itself, code-server install excluded (default 5 min). */
  timeoutMs?: number;
}

let installHook = false;

/**
 * A node:test test in a fresh VS Code: launches it (installing code-server first if needed, in a
 * `before` hook with its own generous deadline), runs `fn`, saves `<name>.png` (or
 * `<name>-failure.png` and the code-server output on failure), and always closes everything.
 */
export function e2eTest(name: string, options: E2ETestOptions, fn: (vscode: VSCode, t: TestContext) => Promise<void>): void {
  if (!installHook && !e2eSkipReason) {
    installHook = true;
    before(async () => void (await ensureCodeServer()), { timeout: INSTALL_TIMEOUT_MS });
  }
  const { folder, timeoutMs, ...launch } = options;
  test(name, { timeout: timeoutMs ?? 5 * 60_000, skip: e2eSkipReason ?? false }, async (t) => {
    const vscode = await launchVSCode({ ...launch, name, ...(folder ? { folder: typeof folder === 'function' ? folder() : folder } : {}) });
    try {
      await fn(vscode, t);
      // A test may close VS Code itself (to test what closing does); its last screenshot is its own.
      if (!vscode.page.isClosed()) t.diagnostic(`screenshot: ${path.relative(repoRoot, await vscode.screenshot(name))}`);
    } catch (err) {
      const shot = await vscode.screenshot(`${name}-failure`).catch(() => undefined);
      if (shot) t.diagnostic(`failure screenshot: ${path.relative(repoRoot, shot)}`);
      t.diagnostic(`code-server output:\n${vscode.serverOutput().split('\n').slice(-40).join('\n')}`);
      throw err;
    } finally {
      await vscode.close();
    }
  });
}
