/**
 * The Node.js runtime services run on. A parameter, never an assumption: the CLI uses its own
 * Node when it is new enough (or the Node shipped with Faultline), VS Code passes its own
 * runtime (`process.execPath` + `ELECTRON_RUN_AS_NODE=1`), and `--node` / `faultline.nodePath`
 * override both.
 */
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FaultlineError } from './errors';
import type { Install } from './install';

export interface Runtime {
  execPath: string;
  /** Extra environment the runtime needs (e.g. ELECTRON_RUN_AS_NODE=1 for Electron). */
  env: Record<string, string>;
  /** Node.js version, e.g. "22.23.3". */
  version: string;
  /** Where the runtime came from, for messages. */
  source: 'explicit' | 'current' | 'bundled';
}

export function majorOf(version: string): number {
  return Number.parseInt(version.replace(/^v/, ''), 10);
}

/** Ask a Node-compatible executable for its version; undefined if it does not run. */
export function probeNodeVersion(execPath: string, env: Record<string, string> = {}): string | undefined {
  const result = spawnSync(execPath, ['-p', 'process.versions.node'], {
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1', ...env },
    encoding: 'utf8',
    timeout: 15_000,
  });
  const out = result.stdout?.trim();
  return result.status === 0 && out && /^\d+\.\d+\.\d+/.test(out) ? out : undefined;
}

/** The version of the first `node` on PATH (what a terminal runs), or undefined when there is none. */
export function pathNodeVersion(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      'node',
      ['-p', 'process.versions.node'],
      { env, encoding: 'utf8', timeout: 10_000, shell: process.platform === 'win32' },
      (err, stdout) => {
        const out = stdout.trim();
        resolve(!err && /^\d+\.\d+\.\d+$/.test(out) ? out : undefined);
      },
    );
  });
}

export interface RuntimeOptions {
  /** Path given by the user (`--node`, FAULTLINE_NODE, `faultline.nodePath`). */
  explicit?: string | undefined;
  env?: Record<string, string>;
  /** Minimum major version the exercise needs. */
  minMajor: number;
  install: Install;
}

export function bundledNodePath(install: Install): string {
  return path.join(install.root, 'node_modules', 'node', 'bin', process.platform === 'win32' ? 'node.exe' : 'node');
}

export function resolveRuntime(opts: RuntimeOptions): Runtime {
  const env = opts.env ?? {};
  const tooOld = (what: string, version: string) =>
    new FaultlineError(
      'runtime-unavailable',
      `${what} is Node ${version}, but the services need Node ${opts.minMajor} or newer`,
      'pass --node PATH (or set FAULTLINE_NODE) to a newer Node.js',
    );
  if (opts.explicit) {
    const version = probeNodeVersion(opts.explicit, env);
    if (!version) {
      throw new FaultlineError('runtime-unavailable', `cannot run Node.js at ${opts.explicit}`, 'check the --node / FAULTLINE_NODE path');
    }
    if (majorOf(version) < opts.minMajor) throw tooOld(opts.explicit, version);
    return { execPath: opts.explicit, env, version, source: 'explicit' };
  }
  if (majorOf(process.versions.node) >= opts.minMajor && !process.versions['electron']) {
    return { execPath: process.execPath, env, version: process.versions.node, source: 'current' };
  }
  const bundled = bundledNodePath(opts.install);
  if (fs.existsSync(bundled)) {
    const version = probeNodeVersion(bundled, env);
    if (version && majorOf(version) >= opts.minMajor) return { execPath: bundled, env, version, source: 'bundled' };
  }
  throw tooOld('this Node.js', process.versions.node);
}
