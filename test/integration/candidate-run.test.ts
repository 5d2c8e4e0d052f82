/**
 * Candidate code Faultline runs outside the services: a program of theirs (`t.candidateProgram`)
 * in a scratch copy, with its outputs, exit code and a hard timeout; the workspace stays untouched.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runCandidateProgram } from '../../extension/engine/process/testRun';
import { install, nodeForServices, tempDir } from '../helpers';

describe("the candidate's programs", () => {
  const runtime = {
    execPath: nodeForServices,
    env: {},
    version: execFileSync(nodeForServices, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim(),
  };
  const preload = path.join(install.serversDir, 'preload.js');

  it('runs a TypeScript program with arguments; collects what it wrote into {out}; the workspace is untouched', async (t) => {
    const ws = tempDir(t);
    fs.mkdirSync(path.join(ws, 'scripts'));
    fs.writeFileSync(
      path.join(ws, 'scripts', 'tool.ts'),
      [
        "import * as fs from 'node:fs';",
        'const [, , flag, file] = process.argv;',
        "const n: number = Number(process.env['N'] ?? 0);",
        'console.log(`flag=${flag} n=${n}`);',
        "console.error('to stderr');",
        'if (file) fs.writeFileSync(file, JSON.stringify({ ok: true }));',
        "try { fs.writeFileSync('scratch.txt', 'x'); console.log('wrote outside data/'); } catch (e) { console.error((e as NodeJS.ErrnoException).code); }",
        "fs.writeFileSync('data/scratch.txt', 'written in the copy');",
        'process.exitCode = 3;',
      ].join('\n'),
    );
    const run = await runCandidateProgram({
      workspace: ws,
      modules: install.runtimeModules,
      preload,
      runtime,
      entry: 'scripts/tool.ts',
      args: ['--json', '{out}/report.json'],
      env: { N: '7' },
    });
    assert.deepEqual(
      [run.code, run.timedOut, run.stdout.trim(), run.stderr.trim()],
      [3, false, 'flag=--json n=7', 'to stderr\nERR_ACCESS_DENIED'],
      'it runs sandboxed: writes outside data/ are refused',
    );
    assert.deepEqual(run.outputs, { 'report.json': '{"ok":true}' });
    assert.equal(fs.existsSync(path.join(ws, 'data', 'scratch.txt')), false, 'the workspace is not written');
  });

  it('kills a program that outlives its timeout and says so', async (t) => {
    const ws = tempDir(t);
    fs.writeFileSync(path.join(ws, 'hang.js'), "console.log('started'); setInterval(() => {}, 1000);");
    const run = await runCandidateProgram({
      workspace: ws,
      modules: install.runtimeModules,
      preload,
      runtime,
      entry: 'hang.js',
      // The budget covers the sandboxed start too: on a loaded CI machine (every test file at once
      // on 2 cores) 500 ms once ran out before the first line was printed.
      timeoutMs: 5_000,
    });
    assert.deepEqual([run.code, run.signal, run.timedOut, run.stdout.trim()], [null, 'SIGKILL', true, 'started']);
  });
});
