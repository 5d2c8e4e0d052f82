#!/usr/bin/env node
// The one build script: one esbuild context per bundle, plus the manifest JSON Schema and reference.
//   node scripts/build.mjs              build everything (development: sourcemaps)
//   node scripts/build.mjs --production minified, no sourcemaps
//   node scripts/build.mjs --watch      rebuild on change
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as vm from 'node:vm';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  define: { FAULTLINE_VERSION: JSON.stringify(pkg.version) },
  absWorkingDir: root,
  // jsonc-parser's UMD build hides its requires from bundlers; its ESM build does not.
  mainFields: ['module', 'main'],
};

/** Every folder in servers/ with an index.ts is one bundle: dist/servers/<name>.js */
const servers = fs
  .readdirSync(path.join(root, 'servers'), { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, 'servers', e.name, 'index.ts')))
  .map((e) => e.name);

const bundles = [
  { name: 'extension', entryPoints: ['extension/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { name: 'cli', entryPoints: ['extension/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  ...servers.map((name) => ({ name: `servers/${name}`, entryPoints: [`servers/${name}/index.ts`], outfile: `dist/servers/${name}.js` })),
  // The candidate portal's page script (a browser bundle; served by extension/engine/portal/server.ts).
  {
    name: 'portal',
    entryPoints: ['media/portal/portal.ts'],
    outfile: 'dist/portal/portal.js',
    platform: 'browser',
    format: 'iife',
    target: ['chrome105', 'firefox110', 'safari16'],
    sourcemap: production ? false : 'inline',
  },
];

/** schemas/exercise.schema.json, generated from the TypeBox declarations (never edited by hand). */
async function writeSchema() {
  const out = await esbuild.build({
    ...common,
    entryPoints: ['extension/engine/manifest/schema.ts'],
    write: false,
    sourcemap: false,
    minify: false,
  });
  const module = { exports: {} };
  vm.runInThisContext(`(function (module, exports, require) {${out.outputFiles[0].text}\n})`)(
    module,
    module.exports,
    createRequire(path.join(root, 'package.json')),
  );
  const schema = module.exports.exerciseJsonSchema();
  const file = path.join(root, 'schemas', 'exercise.schema.json');
  const text = JSON.stringify(schema, null, 2) + '\n';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
}

/** docs/manifest-reference.md, generated from the same declarations and the fault registry. */
async function writeManifestReference() {
  const out = await esbuild.build({
    ...common,
    entryPoints: ['extension/engine/authoring/reference.ts'],
    write: false,
    sourcemap: false,
    minify: false,
  });
  const module = { exports: {} };
  vm.runInThisContext(`(function (module, exports, require) {${out.outputFiles[0].text}\n})`)(
    module,
    module.exports,
    createRequire(path.join(root, 'package.json')),
  );
  const file = path.join(root, module.exports.MANIFEST_REFERENCE_FILE);
  const text = module.exports.manifestReferenceMarkdown();
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text);
}

const started = Date.now();
const contexts = await Promise.all(bundles.map(({ name: _name, ...options }) => esbuild.context({ ...common, ...options })));
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
  await writeSchema();
  await writeManifestReference();
  console.log(`watching ${bundles.length} bundles…`);
} else {
  await Promise.all(contexts.map((c) => c.rebuild()));
  await Promise.all(contexts.map((c) => c.dispose()));
  await writeSchema();
  await writeManifestReference();
  fs.chmodSync(path.join(root, 'dist', 'cli.js'), 0o755);
  console.log(`built ${bundles.map((b) => b.name).join(', ')} in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
