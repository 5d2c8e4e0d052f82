/**
 * In-host suite for desktop VS Code (run by ./runTest.ts through @vscode/test-electron): a tiny
 * node:assert runner, no mocha. VS Code calls `run()`; it rejects if any test failed.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'faultline.faultline';

interface PackageJson {
  contributes?: { commands?: { command: string }[] };
}

const tests: [name: string, fn: () => void | Promise<void>][] = [];
function test(name: string, fn: () => void | Promise<void>): void {
  tests.push([name, fn]);
}

test('the extension is installed and activates', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed`);
  await ext.activate();
  assert.equal(ext.isActive, true);
});

test('every contributed command is registered', async () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  await ext.activate();
  const contributed = ((ext.packageJSON as PackageJson).contributes?.commands ?? []).map((c) => c.command);
  const registered = new Set(await vscode.commands.getCommands(true));
  assert.deepEqual(
    contributed.filter((c) => !registered.has(c)),
    [],
    'commands declared in package.json but not registered by the extension',
  );
});

test('the files the extension reads at runtime are in place', () => {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext);
  for (const file of ['dist/servers/language-server.js', 'schemas/exercise.schema.json', 'workspaces/price-alerts/exercise.json']) {
    assert.ok(fs.existsSync(path.join(ext.extensionPath, file)), `${file} is missing in ${ext.extensionPath}`);
  }
});

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, fn] of tests) {
    const started = Date.now();
    try {
      await fn();
      console.log(`✔ ${name} (${Date.now() - started} ms)`);
    } catch (err) {
      failures.push(name);
      console.error(`✖ ${name}\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  }
  console.log(`\nfaultline vscode-electron: ${tests.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length > 0) throw new Error(`${failures.length} of ${tests.length} tests failed: ${failures.join('; ')}`);
}
