import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkImportGraph, LAYERS, projectFiles } from '../../scripts/layers';

const root = path.resolve(__dirname, '..', '..');

describe('import layers', () => {
  it('the code base has no cycle, no upward import and no vscode in the engine', () => {
    const problems = checkImportGraph(projectFiles(root));
    assert.deepEqual(problems, []);
  });

  it('a planted cycle is reported, type imports included', () => {
    const files = new Map([
      ['extension/engine/rubric/a.ts', "import type { B } from './b';\nexport type A = B;\n"],
      ['extension/engine/rubric/b.ts', "import { a } from './c';\nexport type B = number;\nvoid a;\n"],
      ['extension/engine/rubric/c.ts', "export { type A } from './a';\nexport const a = 1;\n"],
    ]);
    const problems = checkImportGraph(files);
    assert.equal(problems.length, 1);
    assert.match(problems[0]?.message ?? '', /import cycle: .*a\.ts → .*b\.ts → .*c\.ts → .*a\.ts/);
  });

  it('an upward import is reported, also as a type import', () => {
    const files = new Map([
      ['extension/engine/model/x.ts', "import type { Supervisor } from '../supervisor/supervisor';\nexport type X = Supervisor;\n"],
      ['extension/engine/supervisor/supervisor.ts', 'export class Supervisor {}\n'],
    ]);
    assert.deepEqual(
      checkImportGraph(files).map((p) => p.message),
      ['imports extension/engine/supervisor/supervisor.ts (supervisor) from a lower layer (model)'],
    );
  });

  it('the engine may not import vscode, nor a face; a file in no layer is reported', () => {
    const files = new Map([
      ['extension/engine/hints.ts', "import * as vscode from 'vscode';\nimport { x } from '../cli/main';\nvoid vscode; void x;\n"],
      ['extension/cli/main.ts', 'export const x = 1;\n'],
      ['extension/engine/stray.ts', 'export {};\n'],
    ]);
    const messages = checkImportGraph(files).map((p) => `${p.file}: ${p.message}`);
    assert.ok(messages.includes('extension/engine/hints.ts: the engine must not import "vscode"'), messages.join('\n'));
    assert.ok(
      messages.some((m) => m.startsWith('extension/engine/hints.ts: imports extension/cli/main.ts (faces)')),
      messages.join('\n'),
    );
    assert.ok(messages.includes('extension/engine/stray.ts: belongs to no layer: add it to LAYERS in scripts/layers.ts'));
  });

  it('layers are listed bottom to top as the style guide names them', () => {
    assert.deepEqual(
      LAYERS.map((l) => l.name),
      ['model', 'base', 'supervisor', 'chaos', 'features', 'interview', 'faces'],
    );
  });
});

describe('the unit layer', () => {
  it('starts no process: no unit test imports child_process or the helpers that run the CLI or a session', () => {
    const unit = path.join(root, 'test', 'unit');
    const offenders = fs
      .readdirSync(unit)
      .filter((f) => f.endsWith('.ts'))
      .filter((f) =>
        /node:child_process|\b(runCli|startUp|npmRun|scaffold|startSession)\b|new Supervisor\(/.test(
          fs.readFileSync(path.join(unit, f), 'utf8'),
        ),
      );
    assert.deepEqual(
      offenders.filter((f) => f !== 'layers.test.ts'),
      [],
      'move tests that start processes to test/integration',
    );
  });
});
