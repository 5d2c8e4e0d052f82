/**
 * No orphans, whatever happens to Faultline: one small detached process per session holds a pipe
 * from the process that started everything (the CLI's `up`, VS Code's extension host). Each child
 * process group Faultline starts is registered with it; when the pipe closes without a goodbye —
 * the parent was killed, even with SIGKILL, even while a service was frozen (SIGSTOP) or stuck in
 * a busy loop — it kills every registered group and exits. A normal stop says goodbye first.
 *
 * It replaces per-process watchdogs (which need a worker thread, and sandboxed services may not
 * start one) and per-pause guardians.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const SCRIPT = `
const groups = new Set();
let buffer = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => {
  buffer += d;
  let nl;
  while ((nl = buffer.indexOf('\\n')) >= 0) {
    const line = buffer.slice(0, nl);
    buffer = buffer.slice(nl + 1);
    const [op, arg] = line.split(' ');
    if (op === 'add') groups.add(Number(arg));
    else if (op === 'del') groups.delete(Number(arg));
    else if (op === 'bye') process.exit(0);
  }
});
process.stdin.on('close', () => {
  for (const g of groups) { try { process.kill(-g, 'SIGKILL'); } catch {} try { process.kill(g, 'SIGKILL'); } catch {} }
  process.exit(0);
});
process.stdin.resume();
`;

export class Reaper {
  private child: ChildProcess | undefined;

  constructor(private readonly execPath: string) {}

  private ensure(): ChildProcess | undefined {
    if (process.platform === 'win32') return undefined; // no process groups; the preload's own watchdog covers Windows
    if (this.child && this.child.exitCode === null && this.child.stdin?.writable) return this.child;
    const child = spawn(this.execPath, ['-e', SCRIPT], {
      env: { ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true, // its own process group: a Ctrl-C or a closed terminal does not take it down first
      windowsHide: true,
    });
    child.on('error', () => undefined);
    child.stdin?.on('error', () => undefined);
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    this.child = child;
    return child;
  }

  /** Kill this process group if we die. */
  add(pgid: number | undefined): void {
    if (pgid !== undefined) this.ensure()?.stdin?.write(`add ${pgid}\n`);
  }

  /** The group ended normally. */
  remove(pgid: number | undefined): void {
    if (pgid !== undefined && this.child?.stdin?.writable) this.child.stdin.write(`del ${pgid}\n`);
  }

  /** Everything stopped normally: the reaper exits without killing anything. */
  close(): void {
    if (this.child?.stdin?.writable) this.child.stdin.end('bye\n');
    this.child = undefined;
  }
}
