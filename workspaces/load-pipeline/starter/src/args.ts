/** Command-line flags for the pipeline's programs (provided). Bad input is a UsageError: a message, exit 2. */
import { parseArgs } from 'node:util';

export class UsageError extends Error {}

export type FlagSpec = Record<string, { help: string; default?: string }>;

export class Flags {
  private constructor(private readonly values: Record<string, string | undefined>) {}

  static parse(argv: string[], spec: FlagSpec): Flags {
    try {
      const options = Object.fromEntries(Object.keys(spec).map((k) => [k, { type: 'string' as const }]));
      const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
      if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
      return new Flags(values);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const known = Object.keys(spec)
        .map((k) => `--${k}`)
        .join(', ');
      // Node's message goes on about positionals after '--': its first sentence is the point.
      const first = ((err as Error).message.split('\n')[0] ?? '').split('. ')[0];
      throw new UsageError(`${first} (flags: ${known})`);
    }
  }

  string(name: string, fallback?: string): string | undefined {
    return this.values[name] ?? fallback;
  }

  /** An integer flag, at least `min`. */
  int(name: string, fallback: number, min: number): number {
    const raw = this.values[name];
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n)) throw new UsageError(`--${name} must be an integer, got "${raw}"`);
    if (n < min) throw new UsageError(`--${name} must be at least ${min}, got ${n}`);
    return n;
  }

  /** A comma-separated list. */
  list(name: string, fallback: string[]): string[] {
    const raw = this.values[name];
    if (raw === undefined) return fallback;
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (items.length === 0) throw new UsageError(`--${name} needs at least one value`);
    return items;
  }
}

/** The ingress URL: --target, else $INGRESS_URL (the session sets it in the candidate terminal). */
export function targetOf(flags: Flags): string {
  const raw = flags.string('target') ?? process.env['INGRESS_URL'];
  if (!raw)
    throw new UsageError('no target: pass --target http://127.0.0.1:PORT or set INGRESS_URL (`faultline status` shows the ingress URL)');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--target is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`--target must be an http:// URL, got "${raw}"`);
  return url.origin;
}

export const DEFAULT_HOSTS = ['foo.localhost', 'bar.localhost'];

/** Runs a program's main: a usage error or a failure prints one clear line (never a stack trace). */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      if (err instanceof UsageError) {
        console.error(`usage error: ${err.message}`);
        process.exitCode = 2;
      } else {
        console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
        process.exitCode = 1;
      }
    },
  );
}
