#!/usr/bin/env node
// Builds the VS Code extension package: `node scripts/build.mjs --production`, then
// `vsce package` into dist/faultline-<version>.vsix. What goes in is decided by .vscodeignore (only
// what runs) plus the production dependencies, which the exercises' services need at runtime: the
// engine's offline "runtime pack" copies them into each candidate workspace (interview rooms have
// bad Wi-Fi). This script refuses stray files a "!" pattern there would let in.
//
//   node scripts/package.mjs                   production build, then dist/faultline-<version>.vsix
//   node scripts/package.mjs --no-build        package dist/ as it is (tests: the development build)
//   node scripts/package.mjs --out <file>      write the .vsix elsewhere
//   node scripts/package.mjs --list            only print the files it would package
//
// The extension's own bundles are self-contained; node_modules holds only production dependencies
// (vsce leaves devDependencies out). vsce 4 needs Node ≥ 22: on an older Node it runs on the one
// the `node` devDependency installed.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const VSCE_ARGS = [
  // No public repository URL: keep README's relative links as they are instead of failing.
  '--no-rewrite-relative-links',
  '--allow-missing-repository',
];
/** Files that must never ship, whatever .vscodeignore lets in. */
const FORBIDDEN = [
  [/\.map$/, 'a source map'],
  [/\.vsix$/, 'a built package'],
  [/\.(db|sqlite|sqlite3|db-wal|db-shm|log)$/, 'a database or log file'],
  [/(^|\/)\.faultline[^/]*\//, 'Faultline session state'],
  [/(^|\/)\.env$/, 'an .env file'],
];

function nodeForVsce() {
  if (Number.parseInt(process.versions.node, 10) >= 22) return process.execPath;
  const bundled = path.join(root, 'node_modules', 'node', 'bin', 'node');
  if (!fs.existsSync(bundled)) throw new Error(`vsce needs Node ≥ 22 (this is ${process.version}) and ${bundled} is missing: npm ci`);
  return bundled;
}

function run(cmd, args, { capture = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      code === 0 ? resolve(out) : reject(new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${code ?? signal})`)),
    );
  });
}

function vsce(args, opts) {
  const bin = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  if (!fs.existsSync(bin)) throw new Error('@vscode/vsce is not installed: npm ci');
  return run(nodeForVsce(), [bin, ...args], opts);
}

/** The files vsce would package (paths relative to the repo), after checking none is forbidden. */
export async function listPackageFiles() {
  const files = (await vsce(['ls'], { capture: true }))
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // Dependencies are what npm installed for production; only Faultline's own files are checked.
  const stray = files
    .filter((f) => !f.startsWith('node_modules/'))
    .flatMap((f) => FORBIDDEN.filter(([re]) => re.test(f)).map(([, what]) => `${f} (${what})`));
  if (stray.length > 0) {
    throw new Error(
      `refusing to package stray files (delete them: they are left over from running things, not part of the extension):\n  ${stray.join('\n  ')}`,
    );
  }
  for (const required of [
    'package.json',
    pkg.main.replace(/^\.\//, ''),
    'dist/servers/language-server.js',
    'schemas/exercise.schema.json',
    // The runtime pack: what the exercises' services load (a native module among them).
    'node_modules/better-sqlite3/package.json',
    'node_modules/express/package.json',
    'node_modules/knex/package.json',
  ]) {
    if (!files.includes(required)) throw new Error(`${required} would not be packaged (build first, or check .vscodeignore)`);
  }
  return files;
}

/**
 * Packages the extension; returns the .vsix path.
 * @param {{ build?: boolean, out?: string }} [options]
 */
export async function packageExtension(options = {}) {
  const out = path.resolve(root, options.out ?? path.join('dist', `${pkg.name}-${pkg.version}.vsix`));
  if (options.build ?? true) await run(process.execPath, [path.join(root, 'scripts', 'build.mjs'), '--production']);
  const files = await listPackageFiles();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  await vsce(['package', ...VSCE_ARGS, '--out', out]);
  return { vsix: out, files };
}

async function main(argv) {
  const outAt = argv.indexOf('--out');
  const out = outAt >= 0 ? argv[outAt + 1] : undefined;
  if (outAt >= 0 && !out) throw new Error('--out needs a file name');
  if (argv.includes('--list')) {
    for (const f of await listPackageFiles()) console.log(f);
    return;
  }
  const { vsix, files } = await packageExtension({ build: !argv.includes('--no-build'), out });
  const shown = vsix.startsWith(root + path.sep) ? path.relative(root, vsix) : vsix;
  console.log(`${shown}: ${files.length} files, ${(fs.statSync(vsix).size / 1024).toFixed(1)} KiB`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
