import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FaultlineError } from '../../extension/engine/errors';
import { installRuntimePack, planRuntimePack } from '../../extension/engine/runtimePack';
import { install, tempDir } from '../helpers';

describe('offline runtime pack', () => {
  it('computes the dependency closure from Faultline node_modules', () => {
    const plan = planRuntimePack(install.runtimeModules, ['express', 'knex']);
    for (const name of ['express', 'knex', 'body-parser', 'tarn', 'debug']) assert.ok(plan.packages.includes(name), name);
    assert.ok(!plan.packages.includes('typescript'), 'only what is needed');
  });

  it('names what is missing', () => {
    assert.throws(
      () => planRuntimePack(install.runtimeModules, ['no-such-package-xyz']),
      (e: unknown) => e instanceof FaultlineError && /no-such-package-xyz \(needed by the workspace\)/.test(e.message),
    );
  });

  it('installs a workspace that can require its dependencies and run their bins', async (t) => {
    const dir = tempDir(t);
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ dependencies: { ms: '*' }, devDependencies: { sucrase: '*' } }));
    const count = installRuntimePack(install.runtimeModules, dir);
    assert.ok(count >= 2);
    const ms = ((await import(path.join(dir, 'node_modules', 'ms', 'index.js'))) as { default: (s: string) => number }).default;
    assert.equal(ms('1s'), 1000);
    assert.ok(fs.existsSync(path.join(dir, 'node_modules', '.bin', 'sucrase')));
  });
});
