/**
 * Exercise authoring without processes: static hidden-check ids and the validation rules built on
 * them, "did you mean" suggestions, and the generated manifest reference. (The skeleton itself,
 * type-checked and run through the CLI, is in test/integration/authoring.test.ts.)
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FAULT_TYPES } from '../../extension/engine/chaos/faults';
import { initExercise } from '../../extension/engine/authoring/init';
import { MANIFEST_REFERENCE_FILE, manifestReferenceMarkdown } from '../../extension/engine/authoring/reference';
import { closest } from '../../extension/engine/authoring/suggest';
import { findCheckIds } from '../../extension/engine/manifest/checkIds';
import { formatJsonPath, validateManifestText } from '../../extension/engine/manifest/validate';
import { repoRoot, tempDir } from '../helpers';

async function skeleton(t: { after(fn: () => unknown): void }, id = 'demo-exercise') {
  const root = tempDir(t, 'faultline-authoring-');
  const dir = path.join(root, id);
  const result = await initExercise({ dir, install: { root: repoRoot } });
  return { root, dir, result, file: path.join(dir, 'exercise.json') };
}

function problems(file: string, change: (m: Record<string, unknown>) => void) {
  const m = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  change(m);
  return validateManifestText(file, JSON.stringify(m, null, 2), path.dirname(file)).problems;
}

type Rubric = { categories: { id: string; items: Record<string, unknown>[] }[]; stages?: { id: string; title: string }[] };

describe('hidden check ids', () => {
  it('finds check("<id>", …) calls, tolerantly, outside comments', () => {
    const text = [
      "import type { DeclareChecks } from 'faultline/checks';",
      'const checks: DeclareChecks = (check) => {',
      "  check('one', { title: 'First', kind: 'functional' }, async () => {});",
      '  check(',
      '    "two",',
      "    { kind: 'chaos', title: \"Second, with 'quotes'\" },",
      '    async () => {},',
      '  );',
      "  // check('commented', …)",
      "  /* check('also-commented') */",
      '  const s = "check(\'in-a-string\')";',
      '  check(`three`, { title: `Third`, kind: `performance` }, async () => {});',
      '  check(`computed-${s}`, { title: "x", kind: "functional" }, async () => {});',
      "  t.check('method-call', {});",
      '};',
    ].join('\n');
    const found = findCheckIds(text, 'x.check.ts');
    assert.deepEqual(
      found.map((c) => [c.id, c.line, c.column, c.title, c.kind]),
      [
        ['one', 3, 10, 'First', 'functional'],
        ['two', 5, 6, "Second, with 'quotes'", 'chaos'],
        ['three', 12, 10, 'Third', 'performance'],
      ],
    );
    assert.equal(text.slice(found[0]?.offset, (found[0]?.offset ?? 0) + (found[0]?.length ?? 0)), 'one');
  });

  it('validates rubric references, duplicate ids across files and unused checks', async (t) => {
    const { dir, file } = await skeleton(t);
    const checks = path.join(dir, 'interviewer', 'checks');
    fs.writeFileSync(
      path.join(checks, 'more.check.ts'),
      "export default (check: (id: string, o: object, f: () => Promise<void>) => void) => {\n  check('item-not-found', {}, async () => {});\n  check('spare', {}, async () => {});\n};\n",
    );
    fs.writeFileSync(path.join(checks, 'notes.md'), "check('ignored')");
    const found = problems(file, (m) => {
      const rubric = m['rubric'] as Rubric;
      rubric.categories[0]!.items.push({ id: 'x', title: 'X', points: 0, kind: 'auto', checks: [{ check: 'item-not-fuond' }] });
    });
    assert.deepEqual(
      found.map((p) => `${p.severity} ${formatJsonPath(p.path)}: ${p.message}`),
      [
        'error $.interviewer.checks: duplicate check id "item-not-found": declared in interviewer/checks/basic.check.ts:4 and interviewer/checks/more.check.ts:2',
        'error $.rubric.categories[0].items[2].checks[0].check: unknown check "item-not-fuond"; declared in interviewer/checks: item-not-found, spare',
        'warning $.interviewer.checks: check "spare" (interviewer/checks/more.check.ts:3) is not used by any rubric item',
      ],
    );
    const unknown = found.find((p) => p.code === 'unknown-check');
    assert.deepEqual(unknown?.data, { known: ['item-not-found', 'spare'] });

    const noFolder = problems(file, (m) => {
      (m['interviewer'] as Record<string, unknown>)['checks'] = undefined;
    });
    assert.deepEqual(
      noFolder.map((p) => p.message),
      ['unknown check "item-not-found": the exercise declares no interviewer.checks folder'],
    );
  });

  it('keeps ids unique in one place: hint ladders, stages, categories and rubric items', async (t) => {
    const { file } = await skeleton(t);
    const found = problems(file, (m) => {
      const hints = m['hints'] as Record<string, unknown>[];
      hints.push({ ...hints[0] });
      const rubric = m['rubric'] as Rubric;
      rubric.stages = [
        { id: 's', title: 'S' },
        { id: 's', title: 'S again' },
      ];
      rubric.categories.push({ id: 'correctness', title: 'Again', points: 0, items: [] } as Rubric['categories'][number]);
      rubric.categories[0]!.items.push({ ...rubric.categories[0]!.items[1], points: 0 });
    });
    assert.deepEqual(
      found.map((p) => `${formatJsonPath(p.path)}: ${p.message}`),
      [
        '$.hints[1].id: duplicate id "unknown-item" (first used at hints[0])',
        '$.rubric.stages[1].id: duplicate stage id "s" (first used at rubric.stages[0])',
        '$.rubric.categories[1].id: duplicate category id "correctness" (first used at rubric.categories[0])',
        '$.rubric.categories[0].items[2].id: duplicate rubric item id "chaos-reasoning" (also in category "correctness")',
      ],
    );
    assert.ok(found.every((p) => p.code === 'duplicate-id'));
  });

  it('tags fixable problems with a code and what would be right', async (t) => {
    const { file } = await skeleton(t);
    const found = problems(file, (m) => {
      m['id'] = 'renamed';
      const rubric = m['rubric'] as Rubric & { total: number };
      rubric.total = 11;
      (rubric.categories[0] as unknown as Record<string, unknown>)['points'] = 9.5;
      const faults = (m['chaos'] as { faults: Record<string, unknown>[] }[])[0]!.faults;
      faults[0]!['type'] = 'latensy';
      faults[1]!['params'] = { status: 503, from: 'apii' };
    });
    const byCode: Record<string, { path: string; data: unknown }> = Object.fromEntries(
      found.map((p) => [p.code ?? '', { path: formatJsonPath(p.path), data: p.data }] as const),
    );
    assert.deepEqual(byCode['id-not-folder'], { path: '$.id', data: { expected: 'demo-exercise' } });
    assert.deepEqual(byCode['rubric-total'], { path: '$.rubric.total', data: { expected: 9.5 } });
    assert.deepEqual(byCode['category-points'], { path: '$.rubric.categories[0].points', data: { expected: 10 } });
    assert.deepEqual(byCode['unknown-fault-type'], { path: '$.chaos[0].faults[0].type', data: { known: FAULT_TYPES.map((f) => f.type) } });
    assert.deepEqual(byCode['unknown-service'], { path: '$.chaos[0].faults[1].params.from', data: { known: ['api'] } });
  });
});

describe('suggestions', () => {
  it('offers the closest known names first, and nothing when nothing is close', () => {
    const types = FAULT_TYPES.map((f) => f.type);
    assert.equal(closest('latancy', types)[0], 'latency');
    assert.equal(closest('http-error', types)[0], 'http_error');
    assert.equal(closest('DB_UPDATE', types)[0], 'db_update');
    assert.ok(closest('partitoin', types).includes('partition'));
    assert.deepEqual(closest('zzzzzzzz', types), []);
    assert.deepEqual(closest('apii', ['api', 'web', 'worker']), ['api']);
  });
});

describe('manifest reference', () => {
  it('docs/manifest-reference.md is current (npm run build writes it)', () => {
    const committed = fs.readFileSync(path.join(repoRoot, MANIFEST_REFERENCE_FILE), 'utf8');
    assert.equal(committed, manifestReferenceMarkdown(), 'run `npm run build` and commit docs/manifest-reference.md');
  });

  it('documents every fault type and parameter from the registry', () => {
    const doc = manifestReferenceMarkdown();
    for (const f of FAULT_TYPES) {
      assert.ok(doc.includes(`### ${f.type}\n`), f.type);
      for (const name of Object.keys((f.params as { properties: Record<string, unknown> }).properties))
        assert.ok(doc.includes(`| \`${name}\` |`), `${f.type}.${name}`);
    }
    assert.match(
      doc,
      /\| `services\[\]\.health\.timeoutMs` \| integer 50–60000 \| optional \| `1000` \| Timeout of one probe request\. \|/,
    );
    assert.match(doc, /\| `ms` \| integer 0–600000 \| `300` \| Added delay in milliseconds\. \|/);
  });
});
