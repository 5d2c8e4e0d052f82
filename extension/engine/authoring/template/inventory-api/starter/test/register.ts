/**
 * `npm test` runs every test file in one Node process (`--experimental-test-isolation=none`):
 * the dependencies load once instead of once per file, so the whole suite takes about a second.
 * Each test still gets its own app and database (see helpers.ts). `npm run test:isolated` runs
 * each file in a process of its own instead, as plain `node --test` does.
 *
 * This file lets that runner load the TypeScript test files the way the services are loaded:
 * with sucrase's require hook. The runner imports each test file as an ES module; for a `.ts`
 * file it gets back a one-line CommonJS module that requires the file, so the file and
 * everything it imports go through `require` (and sucrase).
 *
 * The test script requires sucrase before this file, so sucrase compiles it too: Node's own type
 * stripping would first load its TypeScript parser, about 50 ms of every run.
 */
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';
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
