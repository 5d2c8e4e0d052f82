/**
 * `initExercise`: a minimal, valid exercise package to start authoring from — one TypeScript
 * service, one chaos mode, one hint ladder, a rubric with one automatic and one manual item, a
 * hidden check, an interviewer guide and a reference solution. docs/authoring.md walks through it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FaultlineError } from '../errors';
import type { Install } from '../install';
import type { Exercise } from '../manifest/schema';

export interface InitOptions {
  /** The exercise folder to create (empty or not existing). Its name is the exercise id. */
  dir: string;
  /** Must equal the folder name when given (manifests require it). */
  id?: string;
  title?: string;
  /** Faultline's installation: the generated tsconfig maps `faultline/checks` to its check API. */
  install: Pick<Install, 'root'>;
}

export interface InitResult {
  dir: string;
  /** Files written, relative to `dir`, with `/` separators, sorted. */
  files: string[];
}

const ID = /^[a-z][a-z0-9_-]*$/;

/** The candidate's packages; each must be in Faultline's own node_modules (`faultline new` copies them offline). */
const DEPENDENCIES = ['express'];
const DEV_DEPENDENCIES = ['@types/express', '@types/node', 'sucrase', 'typescript'];

function isEmptyDir(dir: string): boolean {
  return fs.statSync(dir).isDirectory() && fs.readdirSync(dir).length === 0;
}

/** `a/b` → `./a/b`: tsconfig `paths` need an explicit relative prefix. */
function relativeTo(from: string, to: string): string {
  const rel = path.relative(from, to);
  if (path.isAbsolute(rel)) return rel.split(path.sep).join('/');
  const posix = rel.split(path.sep).join('/');
  return posix.startsWith('../') ? posix : `./${posix}`;
}

/** Version ranges as Faultline's own package.json has them (so the runtime pack matches). */
function versions(root: string, names: readonly string[]): Record<string, string> {
  let pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } = {};
  try {
    pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as typeof pkg;
  } catch {
    // a broken installation still gets a skeleton; `faultline new` will say what is missing
  }
  return Object.fromEntries(names.map((n) => [n, pkg.dependencies?.[n] ?? pkg.devDependencies?.[n] ?? '*']));
}

function titleOf(id: string): string {
  const words = id.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export async function initExercise(opts: InitOptions): Promise<InitResult> {
  const dir = path.resolve(opts.dir);
  const folder = path.basename(dir);
  const id = opts.id ?? folder;
  if (!ID.test(id) || id.length > 64) {
    throw new FaultlineError(
      'usage',
      `"${id}" is not a valid exercise id`,
      'use lower-case letters, digits, "-" or "_", starting with a letter (the folder name is the id)',
    );
  }
  if (id !== folder) {
    throw new FaultlineError(
      'usage',
      `the exercise id "${id}" must equal its folder name "${folder}"`,
      `create it in ${path.join(path.dirname(dir), id)}, or leave out the id`,
    );
  }
  const existed = fs.existsSync(dir);
  if (existed && !isEmptyDir(dir)) {
    throw new FaultlineError(
      'directory-occupied',
      `${dir} already exists and is not empty`,
      'choose a new folder, or empty this one first',
    );
  }
  const title = opts.title ?? titleOf(id);
  const files = skeleton({ id, title, dir, root: path.resolve(opts.install.root) });
  try {
    for (const [rel, text] of Object.entries(files)) {
      const file = path.join(dir, ...rel.split('/'));
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      await fs.promises.writeFile(file, text);
    }
  } catch (err) {
    // Leave nothing half-made behind (an empty folder we were given stays).
    if (existed) for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    else fs.rmSync(dir, { recursive: true, force: true });
    throw new FaultlineError('io', `cannot write the exercise skeleton in ${dir}: ${(err as Error).message}`);
  }
  return { dir, files: Object.keys(files).sort() };
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';

function skeleton(x: { id: string; title: string; dir: string; root: string }): Record<string, string> {
  const manifest: Exercise = {
    $schema: relativeTo(x.dir, path.join(x.root, 'schemas', 'exercise.schema.json')),
    id: x.id,
    title: x.title,
    summary: 'A tiny inventory API: answer unknown items correctly, then keep the API usable while it is slow and flaky.',
    level: 'junior',
    durationMinutes: 30,
    tags: ['express'],
    runtime: { node: 20 },
    starter: 'starter',
    brief: 'README.md',
    services: [
      {
        name: 'api',
        title: 'Inventory API',
        role: 'candidate',
        entry: 'src/server.ts',
        nodeArgs: ['-r', 'sucrase/register/ts'],
        health: { path: '/health' },
      },
    ],
    phases: [
      {
        id: 'implement',
        title: 'Implement',
        minutes: 15,
        goal: '`GET /items/:id` answers 404 with `{"detail": "item not found"}` for an unknown id, with a test.',
        evaluate: ['Reads the existing code before changing it', 'Tests the error case, not only the happy path'],
      },
      {
        id: 'chaos',
        title: 'Chaos',
        minutes: 15,
        goal: 'The API gets slow and sometimes answers 503. The candidate explains what a client sees and what they would change.',
        evaluate: ['Reasons about timeouts and retries', 'Tells the service apart from the network'],
        chaos: ['chaos_flaky'],
      },
    ],
    chaos: [
      {
        id: 'chaos_flaky',
        title: 'Slow and flaky items',
        difficulty: 'beginner',
        description: 'Every /items request takes 800 ± 200 ms longer, and 30% of them answer 503 instead of reaching the service.',
        prompt: 'Users say the item page is slow and sometimes fails. What is going on, and what would you do about it?',
        demo: ['Activate chaos_flaky.', 'Call GET /items/1 a few times: slow answers and some 503s.', 'Ask the candidate to investigate.'],
        evaluate: ['Measures before guessing', 'Proposes timeouts, retries with backoff, or caching, and their trade-offs'],
        challenges: ['How would a client tell a slow service from a dead one?', 'Which requests are safe to retry?'],
        faults: [
          { type: 'latency', target: 'api', params: { ms: 800, jitterMs: 200, match: { path: '/items' } } },
          { type: 'http_error', target: 'api', probability: 0.3, params: { status: 503, match: { path: '/items' } } },
        ],
      },
    ],
    hints: [
      {
        id: 'unknown-item',
        title: 'Unknown items answer 200',
        phase: 'implement',
        ladder: [
          { level: 'mild', text: 'What does `GET /items/999` answer today? Try it.' },
          { level: 'medium', text: 'Look at the handler of `/items/:id` in `src/app.ts`: what happens when `find` finds nothing?' },
          { level: 'strong', text: 'When the item is missing, answer `res.status(404).json({ detail: "item not found" })` and return.' },
        ],
      },
    ],
    rubric: {
      total: 10,
      categories: [
        {
          id: 'correctness',
          title: 'Correctness',
          points: 10,
          items: [
            { id: 'not-found', title: 'Unknown items answer 404', points: 6, kind: 'auto', check: 'item-not-found' },
            {
              id: 'chaos-reasoning',
              title: 'Explains the API under chaos',
              points: 4,
              kind: 'manual',
              criteria: 'Names latency and 503s as the symptoms, separates service from network, proposes a timeout and a bounded retry.',
              signals: { strong: ['Measures before changing code'], weak: ['Retries everything without a limit'] },
            },
          ],
        },
      ],
      scale: [
        { min: 0, max: 4, rating: 'No Hire' },
        { min: 5, max: 7, rating: 'Hire' },
        { min: 8, max: 10, rating: 'Strong Hire' },
      ],
    },
    solutions: { reference: 'solutions/reference' },
    interviewer: { guide: 'interviewer/GUIDE.md', checks: 'interviewer/checks' },
  };

  const tsconfig = {
    compilerOptions: {
      target: 'ES2022',
      lib: ['ES2023'],
      module: 'preserve',
      moduleResolution: 'bundler',
      strict: true,
      isolatedModules: true,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      typeRoots: [relativeTo(x.dir, path.join(x.root, 'node_modules', '@types'))],
      types: ['node'],
      paths: { 'faultline/checks': [relativeTo(x.dir, path.join(x.root, 'extension', 'engine', 'rubric', 'api.ts'))] },
    },
    include: ['interviewer/checks/**/*.ts'],
  };

  return {
    'exercise.json': json(manifest),
    // Type-check view of the hidden checks (`tsc -p .`): `faultline/checks` is Faultline's check API.
    'tsconfig.json': json(tsconfig),
    'starter/package.json': json({
      name: x.id,
      version: '1.0.0',
      private: true,
      description: `${x.title}: a tiny inventory API (Express).`,
      scripts: {
        start: 'node -r sucrase/register/ts src/server.ts',
        test: 'node -r sucrase/register/ts --test "test/**/*.test.ts"',
        typecheck: 'tsc --noEmit -p .',
      },
      dependencies: versions(x.root, DEPENDENCIES),
      devDependencies: versions(x.root, DEV_DEPENDENCIES),
    }),
    'starter/tsconfig.json': json({
      compilerOptions: {
        target: 'ES2022',
        module: 'commonjs',
        lib: ['ES2022'],
        types: ['node'],
        strict: true,
        noImplicitReturns: true,
        noUnusedLocals: true,
        noUnusedParameters: true,
        isolatedModules: true,
        esModuleInterop: true,
        skipLibCheck: true,
        noEmit: true,
      },
      include: ['src', 'test'],
    }),
    'starter/README.md': `# ${x.title}

A tiny inventory API (Express, TypeScript). It keeps a few items in memory.

| route | answer |
|---|---|
| \`GET /health\` | \`{"status": "ok"}\` |
| \`GET /items/:id\` | the item, e.g. \`{"id": 1, "name": "keyboard", "stock": 3}\` |

## Your task

\`GET /items/:id\` should answer **404** with \`{"detail": "item not found"}\` when there is no
such item. Today it does not. Fix it and add a test for it next to the provided one.

\`\`\`sh
npm test          # the provided tests (node:test)
npm start         # the API on $PORT (default 3000)
npm run typecheck
\`\`\`

Later in the interview your interviewer may change how the API behaves. Talk through what you see.
`,
    'starter/src/app.ts': `import express, { type Express } from 'express';

export interface Item {
  id: number;
  name: string;
  stock: number;
}

export const ITEMS: readonly Item[] = [
  { id: 1, name: 'keyboard', stock: 3 },
  { id: 2, name: 'mouse', stock: 0 },
];

/** The HTTP app. It does not listen, so tests can drive it on port 0. */
export function createApp(items: readonly Item[] = ITEMS): Express {
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/items/:id', (req, res) => {
    const item = items.find((i) => i.id === Number(req.params.id));
    res.json(item ?? null);
  });
  return app;
}
`,
    'starter/src/server.ts': `import type { AddressInfo } from 'node:net';
import { createApp } from './app';

const port = Number(process.env['PORT'] ?? 3000);
const host = process.env['HOST'] ?? '127.0.0.1';

const server = createApp().listen(port, host, () => {
  const { port: actual } = server.address() as AddressInfo;
  console.log(\`listening on http://\${host}:\${actual}\`);
});

const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeIdleConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
`,
    'starter/test/app.test.ts': `import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createApp } from '../src/app';

describe('inventory API', () => {
  let server: Server;
  let base = '';
  before(async () => {
    server = createApp().listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}\`;
  });
  after(() => {
    server.close();
    server.closeAllConnections();
  });

  it('reports health', async () => {
    const res = await fetch(\`\${base}/health\`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  it('answers a known item', async () => {
    const res = await fetch(\`\${base}/items/1\`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { id: 1, name: 'keyboard', stock: 3 });
  });
});
`,
    'interviewer/GUIDE.md': `# ${x.title}: interviewer guide

Interviewer material: never copied to the candidate.

## Timeline (30 minutes)

1. **Implement (15 min).** The candidate reads \`src/app.ts\` and makes \`GET /items/:id\` answer 404
   for unknown ids, with a test. Hints: the \`unknown-item\` ladder (mild → medium → strong).
2. **Chaos (15 min).** Activate \`chaos_flaky\` (\`faultline chaos chaos_flaky <workspace>\`): /items
   gets 800 ± 200 ms slower and 30% of the requests answer 503. Ask what a client sees and what they
   would change. \`faultline chaos reset <workspace>\` puts everything back.

## Scoring

- \`not-found\` (6 points, automatic): the hidden check \`item-not-found\` (interviewer/checks).
- \`chaos-reasoning\` (4 points, manual): see the criteria and signals in exercise.json.

Try it yourself: \`faultline new ${x.id} /tmp/${x.id} --solution reference && faultline up /tmp/${x.id}\`.
`,
    'interviewer/checks/basic.check.ts': `import type { DeclareChecks } from 'faultline/checks';

const checks: DeclareChecks = (check) => {
  check('item-not-found', { title: 'Unknown items answer 404', kind: 'functional' }, async (t) => {
    const known = await t.http('api').get('/items/1');
    t.expect(known.status, 200, 'GET /items/1');
    const unknown = await t.http('api').get('/items/999999');
    t.expect(unknown.status, 404, 'GET /items/999999');
    t.expect(unknown.body, { detail: 'item not found' }, 'the 404 body');
  });
};
export default checks;
`,
    'solutions/reference/src/app.ts': `import express, { type Express } from 'express';

export interface Item {
  id: number;
  name: string;
  stock: number;
}

export const ITEMS: readonly Item[] = [
  { id: 1, name: 'keyboard', stock: 3 },
  { id: 2, name: 'mouse', stock: 0 },
];

/** The HTTP app. It does not listen, so tests can drive it on port 0. */
export function createApp(items: readonly Item[] = ITEMS): Express {
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/items/:id', (req, res) => {
    const item = items.find((i) => i.id === Number(req.params.id));
    if (!item) {
      res.status(404).json({ detail: 'item not found' });
      return;
    }
    res.json(item);
  });
  return app;
}
`,
    'solutions/reference/test/not-found.test.ts': `import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { createApp } from '../src/app';

test('unknown items answer 404', async () => {
  const server = createApp().listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const res = await fetch(\`http://127.0.0.1:\${(server.address() as AddressInfo).port}/items/999\`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { detail: 'item not found' });
  } finally {
    server.close();
    server.closeAllConnections();
  }
});
`,
  };
}
