/**
 * The manifest language server on the largest bundled manifest (price-alerts), side by side with
 * the same validation in-process (the floor). Each round, interleaved:
 *
 *   validate   validateManifestText in this process                 (floor for diagnostics)
 *   node       `node -e 0`                                          (floor for start-up)
 *   start      spawn dist/servers/language-server.js --stdio → initialize result (a fresh server)
 *   open       didOpen → publishDiagnostics on that fresh server     (cold: first validation in the process)
 *   change     didChange → publishDiagnostics, debounce 0            (a long-lived server: protocol + validation)
 *   typing     didChange → publishDiagnostics, default debounce      (a long-lived server: what an editor sees)
 *
 *   npm run bench -- lsp [--rounds N]
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { validateManifestText } from '../extension/engine/manifest/validate';
import { median, root } from './session';

const server = path.join(root, 'dist', 'servers', 'language-server.js');
const exerciseDir = path.join(root, 'workspaces', 'price-alerts');
const manifest = path.join(exerciseDir, 'exercise.json');
const CHANGES = 5;

interface Session {
  child: ChildProcessWithoutNullStreams;
  rpc: MessageConnection;
  startMs: number;
  /** Resolves with the time of the next publishDiagnostics for `version`. */
  published(version: number): Promise<number>;
  close(): Promise<void>;
}

async function startServer(debounceMs: number | undefined): Promise<Session> {
  const t = performance.now();
  const child = spawn(process.execPath, [server, '--stdio']);
  const rpc = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  const waiting = new Map<number, (at: number) => void>();
  rpc.onNotification('textDocument/publishDiagnostics', (p: { version?: number }) => {
    const at = performance.now();
    if (p.version !== undefined) waiting.get(p.version)?.(at);
  });
  rpc.listen();
  await rpc.sendRequest('initialize', {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
    initializationOptions: debounceMs === undefined ? {} : { debounceMs },
  });
  const startMs = performance.now() - t;
  await rpc.sendNotification('initialized', {});
  const exited = new Promise((r) => child.on('exit', r));
  return {
    child,
    rpc,
    startMs,
    published: (version) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no diagnostics for version ${version}`)), 30_000);
        waiting.set(version, (at) => {
          clearTimeout(timer);
          waiting.delete(version);
          resolve(at);
        });
      }),
    close: async () => {
      await rpc.sendRequest('shutdown');
      await rpc.sendNotification('exit');
      await exited;
      rpc.dispose();
    },
  };
}

const uri = pathToFileURL(manifest).href;

/** didOpen → publishDiagnostics. */
async function open(s: Session, text: string): Promise<number> {
  const opened = s.published(1);
  const t = performance.now();
  await s.rpc.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'json', version: 1, text } });
  return (await opened) - t;
}

/** CHANGES edits of an open document (from `version` on); didChange → publishDiagnostics of each. */
async function edit(s: Session, text: string, version: number): Promise<number[]> {
  const out: number[] = [];
  for (let v = version; v < version + CHANGES; v++) {
    // A real edit: the planned length goes 75 → 76 → 75 …
    const changed = text.replace('"durationMinutes": 75', `"durationMinutes": ${75 + (v % 2)}`);
    const published = s.published(v);
    const t = performance.now();
    await s.rpc.sendNotification('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [{ text: changed }] });
    out.push((await published) - t);
  }
  return out;
}

export async function run(args: string[]): Promise<string> {
  if (!fs.existsSync(server)) throw new Error('build first: npm run build');
  const roundsArg = args.indexOf('--rounds');
  const rounds = roundsArg >= 0 ? Number(args[roundsArg + 1]) : 9;
  const text = fs.readFileSync(manifest, 'utf8');
  const r: Record<'validate' | 'node' | 'start' | 'open' | 'change' | 'typing', number[]> = {
    validate: [],
    node: [],
    start: [],
    open: [],
    change: [],
    typing: [],
  };
  // Long-lived servers, as in an editor session; warmed up like the in-process validator (not counted).
  const fast = await startServer(0);
  const typing = await startServer(undefined);
  validateManifestText(manifest, text, exerciseDir);
  await open(fast, text);
  await open(typing, text);
  let version = 2;
  await edit(fast, text, version);
  await edit(typing, text, version);
  version += CHANGES;
  try {
    for (let i = 0; i < rounds; i++) {
      for (let k = 0; k < CHANGES; k++) {
        const t = performance.now();
        const { problems } = validateManifestText(manifest, text, exerciseDir);
        r.validate.push(performance.now() - t);
        if (problems.length > 0) throw new Error(`price-alerts should validate clean: ${problems[0]?.message}`);
      }
      const t = performance.now();
      spawnSync(process.execPath, ['-e', '0']);
      r.node.push(performance.now() - t);

      const fresh = await startServer(0);
      r.start.push(fresh.startMs);
      r.open.push(await open(fresh, text));
      await fresh.close();

      r.change.push(...(await edit(fast, text, version)));
      r.typing.push(...(await edit(typing, text, version)));
      version += CHANGES;
    }
  } finally {
    await fast.close();
    await typing.close();
  }
  const m = Object.fromEntries(Object.entries(r).map(([k, v]) => [k, median(v)])) as Record<keyof typeof r, number>;
  const row = (label: string, xs: number[], ratio: string) =>
    `| ${label} | ${median(xs).toFixed(1)} ms | ${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} ms | ${ratio} |`;
  const lines = text.split('\n').length;
  return [
    `price-alerts manifest (${lines} lines, ${(text.length / 1024).toFixed(0)} KiB), ${rounds} interleaved rounds (${CHANGES} edits each), Node ${process.versions.node}, ${os.cpus().length} CPUs`,
    '',
    '| variant | median | range | ratio |',
    '|---|---|---|---|',
    row('`validateManifestText` in-process (floor)', r.validate, '1.00× floor'),
    row(
      'didOpen → publishDiagnostics (fresh server: cold)',
      r.open,
      `${(m.open / m.validate).toFixed(2)}× floor (+${(m.open - m.validate).toFixed(1)} ms)`,
    ),
    row(
      'didChange → publishDiagnostics, debounce 0 (long-lived server)',
      r.change,
      `${(m.change / m.validate).toFixed(2)}× floor (+${(m.change - m.validate).toFixed(1)} ms)`,
    ),
    row(
      'didChange → publishDiagnostics, default 120 ms debounce (long-lived)',
      r.typing,
      `${(m.typing / m.validate).toFixed(2)}× floor (debounce + ${(m.typing - 120).toFixed(1)} ms)`,
    ),
    row('`node -e 0` (process floor)', r.node, '1.00× node'),
    row('spawn → initialize result', r.start, `${(m.start / m.node).toFixed(2)}× node (+${(m.start - m.node).toFixed(0)} ms)`),
  ].join('\n');
}
