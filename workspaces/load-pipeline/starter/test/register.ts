/**
 * `npm test` runs every test file in one Node process (`--experimental-test-isolation=none`):
 * the dependencies load once instead of once per file, so the whole suite takes about a second.
 * Each test still gets its own app and database (see helpers.ts). `npm run test:isolated` runs
 * each file in a process of its own instead, as plain `node --test` does.
 *
 * This file lets that runner load the TypeScript test files the way the services are loaded:
 * with sucrase. The runner imports each test file as an ES module; for a `.ts` file it gets back
 * a one-line CommonJS module that requires the file, so the file and everything it imports go
 * through `require` (and sucrase).
 *
 * Sucrase's output for each file is kept in node_modules/.cache/sucrase, under a hash of the
 * sucrase version, the file's path and its text: a run compiles only the files that changed since
 * the last one (compiling them all is about a tenth of a second of every run). The folder can be
 * deleted at any time.
 *
 * The test script requires sucrase before this file, so sucrase compiles it too: Node's own type
 * stripping would first load its TypeScript parser, about 50 ms of every run.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import Module, { registerHooks } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from 'sucrase';
import 'sucrase/register/ts.js';

registerHooks({
  load(url, context, nextLoad) {
    if (!url.startsWith('file:') || !url.endsWith('.ts') || !context.conditions?.includes('import')) return nextLoad(url, context);
    const file = JSON.stringify(fileURLToPath(url));
    // The ES module loader has put this stand-in in require's cache under the file's name: take it out, then require the file.
    const source = `const r = require('node:module').createRequire(${file}); delete r.cache[${file}]; module.exports = r(${file});`;
    return { format: 'commonjs', source, shortCircuit: true };
  },
});

interface CompilingModule {
  _compile(code: string, filename: string): void;
}
type Loader = (module: CompilingModule, filename: string) => void;

const CACHE = path.join(__dirname, '..', 'node_modules', '.cache', 'sucrase');
const SUCRASE_VERSION = (JSON.parse(fs.readFileSync(require.resolve('sucrase/package.json'), 'utf8')) as { version: string }).version;
const extensions = (Module as unknown as { _extensions: Record<string, Loader | undefined> })._extensions;
const sucraseLoader = extensions['.ts'];
if (!sucraseLoader) throw new Error('sucrase/register/ts did not register the .ts extension');

extensions['.ts'] = (module, filename) => {
  // Files under node_modules go to sucrase's own hook, which leaves them alone.
  if (filename.split(path.sep).includes('node_modules')) return sucraseLoader(module, filename);
  module._compile(compiled(filename, fs.readFileSync(filename, 'utf8')), filename);
};

/**
 * Sucrase's output for a file, as sucrase/register/ts makes it (with its source map inline, which
 * the editor's debugger and --enable-source-maps read), from the cache when it is there.
 */
function compiled(filename: string, source: string): string {
  const key = createHash('sha256').update(`${SUCRASE_VERSION}\0${filename}\0`).update(source).digest('hex');
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // Not compiled yet.
  }
  const { code: js, sourceMap } = transform(source, {
    transforms: ['imports', 'typescript'],
    filePath: filename,
    sourceMapOptions: { compiledFilename: filename },
  });
  const map = Buffer.from(JSON.stringify(sourceMap)).toString('base64');
  const code = `${js}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${map}`;
  // Written whole, then renamed: a run that is interrupted, or another run reading, never sees half a file.
  const partial = `${cached}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(CACHE, { recursive: true });
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached);
  } catch {
    // A cache that cannot be written only makes the next run slower (and keeps no half-written file).
    if (fs.existsSync(partial)) fs.rmSync(partial);
  }
  return code;
}
