/**
 * Offline dependencies for a new workspace. Interview rooms have bad Wi-Fi, so `faultline new`
 * never downloads: it copies the packages the workspace's package.json lists (and everything they
 * need) from Faultline's own node_modules, hard-linking files where the file system allows.
 * The workspace's package.json still lists its dependencies, so `npm install` works as usual.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FaultlineError } from './errors';

interface PackageJson {
  name?: string;
  version?: string;
  bin?: string | Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

function readJson(file: string): PackageJson {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as PackageJson;
}

/** Resolve a package folder the way Node does, starting at `fromDir`, never above `root`. */
function resolvePackageDir(name: string, fromDir: string, root: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root || path.dirname(dir) === dir) return undefined;
    dir = path.dirname(dir);
    if (path.basename(dir) === 'node_modules') dir = path.dirname(dir);
    if (!dir.startsWith(root)) return undefined;
  }
}

export interface PackPlan {
  /** Top-level package names to copy from the source node_modules (each with its nested node_modules). */
  packages: string[];
}

/** Compute the closure of `wanted` within `modulesDir` (a node_modules folder). */
export function planRuntimePack(modulesDir: string, wanted: readonly string[]): PackPlan {
  const root = path.dirname(modulesDir);
  const top = new Set<string>();
  const visited = new Set<string>();
  const missing: string[] = [];
  const queue: { name: string; from: string; optional: boolean }[] = wanted.map((name) => ({ name, from: root, optional: false }));
  while (queue.length > 0) {
    const { name, from, optional } = queue.shift() as { name: string; from: string; optional: boolean };
    const dir = resolvePackageDir(name, from, root);
    if (!dir) {
      if (!optional) missing.push(`${name} (needed by ${path.relative(root, from) || 'the workspace'})`);
      continue;
    }
    if (visited.has(dir)) continue;
    visited.add(dir);
    const rel = path.relative(modulesDir, dir).split(path.sep);
    // Top-level package: "name" or "@scope/name". Nested ones are copied with their top-level parent.
    const topName = rel[0]?.startsWith('@') ? `${rel[0]}/${rel[1]}` : (rel[0] as string);
    top.add(topName);
    const pkg = readJson(path.join(dir, 'package.json'));
    const optionalPeers = pkg.peerDependenciesMeta ?? {};
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false });
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, optional: true });
    for (const dep of Object.keys(pkg.peerDependencies ?? {}))
      queue.push({ name: dep, from: dir, optional: optionalPeers[dep]?.optional ?? true });
  }
  if (missing.length > 0) {
    throw new FaultlineError(
      'io',
      `Faultline's runtime packages are incomplete; missing: ${missing.join(', ')}`,
      'reinstall Faultline (npm ci in its folder)',
    );
  }
  return { packages: [...top].sort() };
}

function linkOrCopyTree(src: string, dest: string): void {
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    const s = path.join(src, entry.name);
    const d = path.join(dest, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === '.bin') continue;
      linkOrCopyTree(s, d);
    } else if (entry.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(s), d);
    } else {
      try {
        fs.linkSync(s, d);
      } catch {
        fs.copyFileSync(s, d);
      }
    }
  }
}

function binEntries(pkg: PackageJson): [string, string][] {
  if (!pkg.bin) return [];
  if (typeof pkg.bin === 'string') return pkg.name ? [[pkg.name.replace(/^@[^/]+\//, ''), pkg.bin]] : [];
  return Object.entries(pkg.bin);
}

/**
 * Install the dependencies listed in `<workspace>/package.json` into `<workspace>/node_modules`
 * from `modulesDir`. Returns the number of packages copied.
 */
export function installRuntimePack(modulesDir: string, workspace: string): number {
  const pkg = readJson(path.join(workspace, 'package.json'));
  const wanted = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})];
  const plan = planRuntimePack(modulesDir, wanted);
  const target = path.join(workspace, 'node_modules');
  for (const name of plan.packages) linkOrCopyTree(path.join(modulesDir, name), path.join(target, name));
  // Command shims for the packages the workspace names directly (tsc, sucrase, …).
  const bin = path.join(target, '.bin');
  for (const name of wanted) {
    const dir = path.join(target, name);
    for (const [cmd, rel] of binEntries(readJson(path.join(dir, 'package.json')))) {
      fs.mkdirSync(bin, { recursive: true });
      const link = path.join(bin, cmd);
      fs.rmSync(link, { force: true });
      const script = path.join(dir, rel);
      fs.symlinkSync(path.relative(bin, script), link);
      if ((fs.statSync(script).mode & 0o111) === 0) fs.chmodSync(script, 0o755);
    }
  }
  return plan.packages.length;
}
