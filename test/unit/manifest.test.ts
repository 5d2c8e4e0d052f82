import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { findExercise, loadCatalog } from '../../extension/engine/catalog';
import { FaultlineError } from '../../extension/engine/errors';
import { exerciseJsonSchema, solutionLayers, type Exercise } from '../../extension/engine/manifest/schema';
import { parseTemplate, renderTemplate } from '../../extension/engine/manifest/templates';
import { formatJsonPath, formatProblem, validateManifestFile, validateManifestText } from '../../extension/engine/manifest/validate';
import { install, repoRoot, tempDir } from '../helpers';

const fixtureDir = path.join(repoRoot, 'test', 'fixtures', 'exercises', 'fixture-basic');
const fixtureText = fs.readFileSync(path.join(fixtureDir, 'exercise.json'), 'utf8');

function mutate(change: (m: Record<string, unknown>) => void): string {
  const m = JSON.parse(fixtureText) as Record<string, unknown>;
  change(m);
  return JSON.stringify(m, null, 2);
}

function problemsOf(text: string) {
  return validateManifestText(path.join(fixtureDir, 'exercise.json'), text, fixtureDir).problems;
}

describe('manifest validation', () => {
  it('accepts every bundled exercise and the fixture', () => {
    for (const dir of [...fs.readdirSync(install.workspacesDir).map((d) => path.join(install.workspacesDir, d)), fixtureDir]) {
      const result = validateManifestFile(path.join(dir, 'exercise.json'));
      assert.deepEqual(result.problems.map(formatProblem), [], `${dir} should validate clean`);
      assert.ok(result.manifest);
    }
  });

  it('accepts a byte order mark, with positions unchanged', () => {
    assert.deepEqual(problemsOf('\uFEFF' + fixtureText).map(formatProblem), []);
    const [p] = problemsOf('\uFEFF{\n  "id": "fixture-basic",\n  "title": \n}');
    assert.equal(p?.line, 4);
  });

  it('reports absurd nesting with its place, without blowing the stack, and the catalog goes on', () => {
    const deep = `{"id": "deep", "x": ${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const [p] = problemsOf(deep);
    assert.match(p?.message ?? '', /nesting deeper than 64 levels/);
    assert.equal(p?.line, 1);
    // 64 levels inside strings are text, not nesting.
    assert.equal(problemsOf(mutate((m) => (m['summary'] = '['.repeat(200)))).length, 0);
  });

  it('calls a solution that extends itself a cycle', () => {
    const text = mutate((m) => (m['solutions'] = { reference: { path: 'solutions/reference', extends: 'reference' } }));
    assert.ok(problemsOf(text).some((p) => /extends itself: a cycle/.test(p.message)));
  });

  it('reports invalid JSON with line and column', () => {
    const [p] = problemsOf('{\n  "id": "fixture-basic",\n  "title": \n}');
    assert.ok(p);
    assert.equal(p.line, 4);
    assert.equal(p.column, 1);
    assert.match(p.message, /invalid JSON: value expected/);
  });

  it('names the JSON path and what is expected for a wrong type', () => {
    const text = mutate((m) => {
      (m['services'] as Record<string, unknown>[])[1]!['health'] = { path: 'health' };
    });
    const problems = problemsOf(text);
    assert.equal(problems.length, 1);
    const [p] = problems;
    assert.equal(formatJsonPath(p!.path), '$.services[1].health.path');
    assert.match(p!.message, /expected a path starting with "\/", got "health"/);
    const line = text.split('\n')[p!.line - 1] ?? '';
    assert.match(line, /"path": "health"/, 'the line:column points at the offending value');
  });

  it('reports a missing required property at its parent', () => {
    const problems = problemsOf(mutate((m) => delete m['services']));
    assert.deepEqual(
      problems.map((p) => [formatJsonPath(p.path), p.message]),
      [['$', 'missing required property "services"']],
    );
  });

  it('rejects unknown properties and bad enum values', () => {
    const problems = problemsOf(
      mutate((m) => {
        m['levle'] = 'mid';
        (m['services'] as Record<string, unknown>[])[0]!['role'] = 'candidat';
      }),
    );
    const messages = problems.map((p) => `${formatJsonPath(p.path)}: ${p.message}`);
    assert.ok(messages.includes('$.levle: unknown property'), messages.join('\n'));
    assert.ok(
      messages.some((m) => m.startsWith('$.services[0].role: expected one of "candidate", "bundled", got "candidat"')),
      messages.join('\n'),
    );
  });

  it('checks references, cycles, duplicates and templates', () => {
    const problems = problemsOf(
      mutate((m) => {
        const services = m['services'] as Record<string, unknown>[];
        services[0]!['dependsOn'] = ['b'];
        services[1]!['env'] = { UPSTREAM: '${services.a.url}', BAD: '${services.c.url}', TYPO: '${workspce}' };
        services.push({ ...services[1]!, dependsOn: ['nope'], env: {} });
        m['phases'] = [{ id: 'p', title: 'P', minutes: 1, goal: 'g', chaos: ['chaos_missing'] }];
      }),
    );
    const messages = problems.map((p) => `${formatJsonPath(p.path)}: ${p.message}`);
    const expect = [
      /\$\.services\[2\]\.name: duplicate name "b" \(first used at services\[1\]\)/,
      /\$\.services\[2\]\.dependsOn\[0\]: unknown service "nope"/,
      /\$\.services\[1\]\.env\.BAD: \$\{services\.c\.url\} names unknown service "c"/,
      /\$\.services\[1\]\.env\.TYPO: unknown template variable \$\{workspce\}/,
      /dependency cycle: a → b → a/,
      /\$\.phases\[0\]\.chaos\[0\]: unknown chaos mode "chaos_missing"/,
    ];
    for (const re of expect)
      assert.ok(
        messages.some((m) => re.test(m)),
        `${re} not in:\n${messages.join('\n')}`,
      );
  });

  it('requires dependencies for service templates', () => {
    const problems = problemsOf(
      mutate((m) => {
        const services = m['services'] as Record<string, unknown>[];
        services[1]!['dependsOn'] = [];
      }),
    );
    assert.match(problems[0]?.message ?? '', /needs "a" in dependsOn/);
  });

  it('keeps interviewer material out of the starter and checks files exist', () => {
    const problems = problemsOf(
      mutate((m) => {
        m['solutions'] = { leak: 'starter' };
        m['interviewer'] = { guide: 'interviewer/MISSING.md' };
        m['brief'] = 'NOPE.md';
      }),
    );
    const messages = problems.map((p) => `${formatJsonPath(p.path)}: ${p.message}`);
    assert.ok(
      messages.some((m) => /solutions\.leak: solutions are interviewer material/.test(m)),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => /interviewer\.guide: not found: interviewer\/MISSING\.md/.test(m)),
      messages.join('\n'),
    );
    assert.ok(
      messages.some((m) => /\$\.brief: brief not found/.test(m)),
      messages.join('\n'),
    );
  });

  it('checks what a solution extends: a known solution, no cycles', () => {
    const messages = problemsOf(
      mutate((m) => {
        const base = Object.values(m['solutions'] as Record<string, string>)[0]!;
        m['solutions'] = {
          base,
          ok: { path: base, extends: 'base' },
          lost: { path: base, extends: 'nowhere' },
          ping: { path: base, extends: 'pong' },
          pong: { path: base, extends: 'ping' },
        };
      }),
    ).map((p) => `${formatJsonPath(p.path)}: ${p.message}`);
    assert.deepEqual(
      messages.filter((m) => m.includes('solutions')),
      [
        '$.solutions.lost.extends: solution "lost" extends an unknown solution "nowhere"',
        '$.solutions.ping.extends: solutions extend each other in a cycle: ping → pong → ping',
        '$.solutions.pong.extends: solutions extend each other in a cycle: pong → ping → pong',
      ],
    );
    const m = JSON.parse(
      mutate((x) => (x['solutions'] = { a: 'sa', b: { path: 'sb', extends: 'a' }, c: { path: 'sc', extends: 'b' } })),
    ) as Exercise;
    assert.deepEqual(
      solutionLayers(m, 'c').map((l) => l.path),
      ['sa', 'sb', 'sc'],
      'bases first',
    );
    assert.throws(() => solutionLayers(m, 'zzz'), /has no solution "zzz"[\s\S]*/);
  });

  it('checks what a solution removes: a file the starter or its bases bring, not one it brings back', () => {
    const messages = problemsOf(
      mutate((m) => {
        m['solutions'] = {
          patched: 'solutions/patched',
          slim: { path: 'interviewer', extends: 'patched', remove: ['server.js', 'PATCHED.md'] },
          wrong: { path: 'interviewer', extends: 'patched', remove: ['nowhere.ts', 'GUIDE.md'] },
        };
      }),
    ).map((p) => `${formatJsonPath(p.path)}: ${p.message}`);
    assert.deepEqual(
      messages.filter((m) => m.includes('remove')),
      [
        '$.solutions.wrong.remove[0]: solution "wrong" removes nowhere.ts, which neither the starter nor the solutions it extends have',
        '$.solutions.wrong.remove[1]: solution "wrong" removes GUIDE.md but its own folder interviewer has it',
      ],
    );
    const m = JSON.parse(mutate((x) => (x['solutions'] = { a: 'sa', b: { path: 'sb', extends: 'a', remove: ['x.ts'] } }))) as Exercise;
    assert.deepEqual(solutionLayers(m, 'b'), [
      { path: 'sa', remove: [] },
      { path: 'sb', remove: ['x.ts'] },
    ]);
  });

  it('rejects paths that escape the exercise folder', () => {
    const problems = problemsOf(mutate((m) => (m['starter'] = '../elsewhere')));
    assert.match(problems[0]?.message ?? '', /relative path inside the exercise folder/);
  });

  it('checks rubric arithmetic', () => {
    const problems = problemsOf(
      mutate((m) => {
        m['rubric'] = {
          total: 20,
          scale: [{ min: 0, max: 20, rating: 'Any' }],
          categories: [
            { id: 'one', title: 'One', points: 4, items: [{ id: 'x', title: 'X', points: 3, kind: 'manual', criteria: 'c' }] },
            { id: 'two', title: 'Two', points: 4, items: [{ id: 'x', title: 'X again', points: 4, kind: 'auto' }] },
          ],
        };
      }),
    );
    const messages = problems.map((p) => p.message);
    assert.ok(messages.includes('total is 20 but the categories add up to 8'), messages.join('\n'));
    assert.ok(messages.includes('category "one" has 4 points but its items add up to 3'), messages.join('\n'));
    assert.ok(
      messages.some((m) => m.startsWith('duplicate rubric item id "x"')),
      messages.join('\n'),
    );
    assert.ok(messages.includes('automatic items need a "check" or "checks"'), messages.join('\n'));
  });

  it('ships a JSON Schema file that matches the declarations', () => {
    const file = path.join(repoRoot, 'schemas', 'exercise.schema.json');
    assert.deepEqual(JSON.parse(fs.readFileSync(file, 'utf8')), JSON.parse(JSON.stringify(exerciseJsonSchema())), 'run npm run build');
  });
});

describe('catalog', () => {
  it('loads good manifests and reports a broken one without failing', (t) => {
    const dir = tempDir(t);
    fs.cpSync(fixtureDir, path.join(dir, 'fixture-basic'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'broken'));
    fs.writeFileSync(path.join(dir, 'broken', 'exercise.json'), '{ "id": "broken", ');
    const catalog = loadCatalog({ ...install, extraExerciseDirs: [dir] });
    assert.ok(catalog.exercises.some((e) => e.manifest.id === 'fixture-basic'));
    assert.ok(catalog.exercises.some((e) => e.manifest.id === 'price-alerts'));
    const broken = catalog.problems.filter((p) => p.file.includes(`${path.sep}broken${path.sep}`));
    assert.equal(broken.length > 0, true);
    assert.throws(
      () => catalog.get('broken'),
      (e: unknown) => e instanceof FaultlineError && e.code === 'invalid-manifest',
    );
    assert.throws(
      () => catalog.get('nope'),
      (e: unknown) => e instanceof FaultlineError && e.code === 'unknown-exercise' && /price-alerts/.test(e.hint ?? ''),
    );
  });

  it('finds one exercise by its own manifest alone, exactly as the catalog would', (t) => {
    const extra = tempDir(t);
    fs.cpSync(fixtureDir, path.join(extra, 'fixture-basic'), { recursive: true });
    // A broken copy of a bundled exercise's folder in a later root does not shadow the bundled one;
    // a broken one in an earlier root gives way to a valid one in a later root, as in the catalog.
    const broken = tempDir(t);
    fs.mkdirSync(path.join(broken, 'fixture-basic'));
    fs.writeFileSync(path.join(broken, 'fixture-basic', 'exercise.json'), '{ "id": "fixture-basic", ');
    fs.mkdirSync(path.join(broken, 'price-alerts'));
    fs.writeFileSync(path.join(broken, 'price-alerts', 'exercise.json'), '{ "id": "price-alerts", ');
    fs.mkdirSync(path.join(broken, 'only-broken'));
    fs.writeFileSync(path.join(broken, 'only-broken', 'exercise.json'), '{ "id": "only-broken", ');
    const where = { ...install, extraExerciseDirs: [broken, extra] };
    const catalog = loadCatalog(where);
    for (const id of catalog.exercises.map((e) => e.manifest.id)) assert.deepEqual(findExercise(where, id), catalog.get(id), id);
    assert.equal(findExercise(where, 'fixture-basic').dir, path.join(extra, 'fixture-basic'));
    const errorOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof FaultlineError ? `${e.code}: ${e.message} (${e.hint ?? ''})` : String(e);
      }
      return 'no error';
    };
    for (const id of ['only-broken', 'nope', '../price-alerts', 'Price-Alerts'])
      assert.equal(
        errorOf(() => findExercise(where, id)),
        errorOf(() => catalog.get(id)),
        id,
      );
    assert.match(
      errorOf(() => findExercise(where, 'only-broken')),
      /^invalid-manifest/,
    );
  });
});

describe('templates', () => {
  it('parses and renders variables, service fields and $$', () => {
    const services = new Map([['db', { url: 'http://127.0.0.1:5', port: 5, urls: ['http://127.0.0.1:5', 'http://127.0.0.1:6'] }]]);
    const ctx = { workspace: '/w', session: '/s', exercise: 'x', services };
    assert.equal(
      renderTemplate('${workspace}/data ${services.db.port} $$HOME ${services.db.urls}', ctx),
      '/w/data 5 $HOME http://127.0.0.1:5,http://127.0.0.1:6',
    );
    assert.deepEqual(parseTemplate('${nope}'), {
      error: 'unknown template variable ${nope}; use ${workspace}, ${session}, ${exercise} or ${services.<name>.url|port|urls}',
    });
    assert.match((parseTemplate('${workspace') as { error: string }).error, /unterminated/);
    assert.throws(() => renderTemplate('${services.api.url}', ctx), /not running yet/);
  });
});

describe('fault registry docs', () => {
  it('CONTRIBUTING.md lists every fault type with its summary', async () => {
    const { FAULT_TYPES } = await import('../../extension/engine/chaos/faults');
    const doc = fs.readFileSync(path.join(repoRoot, 'CONTRIBUTING.md'), 'utf8');
    for (const f of FAULT_TYPES)
      assert.ok(doc.includes(`| \`${f.type}\` | ${f.layer} | ${f.summary} |`), `${f.type} is missing or out of date in CONTRIBUTING.md`);
  });
});
