/**
 * Nothing recorded is lost when a process dies mid-write: the timeline skips a torn last line,
 * and files written with writeFileAtomic are either the old or the new content, never a mix.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { writeFileAtomic } from '../../extension/engine/session';
import { readTimeline, Timeline } from '../../extension/engine/timeline';
import { repoRoot, tempDir, waitForLine } from '../helpers';

describe('durability', () => {
  it('the timeline keeps every complete event when the last line was cut short', (t) => {
    const file = path.join(tempDir(t), 'timeline.jsonl');
    const timeline = new Timeline(file);
    timeline.append('session.start', { mode: 'interview' });
    timeline.append('score.manual', { item: 'readable', points: 2, note: 'tidy' });
    timeline.close();
    fs.appendFileSync(file, '{"t":"2026-11-23T00:00:00.000Z","type":"hint.se'); // killed mid-write
    const events = readTimeline(file);
    assert.deepEqual(
      events.map((e) => e.type),
      ['session.start', 'score.manual'],
    );
    const again = new Timeline(file);
    again.append('rubric.end', { run: 'x' });
    again.close();
    assert.deepEqual(
      readTimeline(file).map((e) => e.type),
      ['session.start', 'score.manual', 'rubric.end'],
      'appending after a torn line still works',
    );
  });

  // The writer dies right after each step of writeFileAtomic in turn (after writing half the data,
  // for `write`): until the rename, readers see the previous content; after it, the new one.
  for (const step of ['open', 'write', 'fsync', 'rename'] as const) {
    const expected = step === 'rename' ? 'new scorecard, much longer than the previous one' : 'previous scorecard';
    it(`a process killed after "${step}" while writing a file atomically leaves ${step === 'rename' ? 'the new' : 'the previous'} content`, async (t) => {
      const dir = tempDir(t);
      const target = path.join(dir, 'scorecard.html');
      fs.writeFileSync(target, 'previous scorecard');
      const script = `
        const fs = require('node:fs');
        const { writeFileAtomic } = require(${JSON.stringify(path.join(repoRoot, 'extension', 'engine', 'session.ts'))});
        const stop = () => { console.log('after ${step}'); Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0); };
        const name = { open: 'openSync', write: 'writeFileSync', fsync: 'fsyncSync', rename: 'renameSync' }['${step}'];
        const original = fs[name];
        fs[name] = function (...args) {
          if (name === 'writeFileSync') original.call(this, args[0], String(args[1]).slice(0, 10));
          else original.apply(this, args);
          stop();
        };
        writeFileAtomic(${JSON.stringify(target)}, ${JSON.stringify(expected === 'previous scorecard' ? 'new scorecard, much longer than the previous one' : expected)});
      `;
      const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot });
      const output = { text: '' };
      child.stdout.setEncoding('utf8').on('data', (d: string) => (output.text += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (output.text += d));
      await waitForLine(child, new RegExp(`^after ${step}$`), 30_000, output);
      child.kill('SIGKILL');
      await new Promise((r) => child.on('exit', r));
      assert.equal(fs.readFileSync(target, 'utf8'), expected);
    });
  }

  it('a completed atomic write replaces the content', (t) => {
    const target = path.join(tempDir(t), 'state.json');
    fs.writeFileSync(target, 'old');
    writeFileAtomic(target, 'new');
    assert.equal(fs.readFileSync(target, 'utf8'), 'new');
    assert.deepEqual(fs.readdirSync(path.dirname(target)), ['state.json'], 'no temporary file left behind');
  });
});
