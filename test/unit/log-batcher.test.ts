import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogBatcher, type ChannelLevel } from '../../extension/vscode/session/logBatcher';
import type { LogRecord } from '../../extension/engine/model/services';

const rec = (message: string, level: LogRecord['level'] = 'info', extra: Partial<LogRecord> = {}): LogRecord => ({
  time: 0,
  service: 'svc',
  instance: 1,
  level,
  stream: 'stdout',
  message,
  ...extra,
});

function harness(opts: { max?: number; showInstance?: boolean; coalesceAbove?: number } = {}) {
  const writes: [ChannelLevel, string][] = [];
  const timers: (() => void)[] = [];
  const batcher = new LogBatcher({
    write: (level, text) => writes.push([level, text]),
    setTimer: (fn) => timers.push(fn),
    ...(opts.max ? { maxLinesPerFlush: opts.max } : {}),
    ...(opts.showInstance ? { showInstance: true } : {}),
    ...(opts.coalesceAbove !== undefined ? { coalesceAbove: opts.coalesceAbove } : {}),
  });
  return { writes, timers, batcher };
}

describe('log batcher', () => {
  it('writes nothing until the timer fires, then line by line while the volume is normal', () => {
    const { writes, timers, batcher } = harness();
    batcher.push(rec('a'));
    batcher.push(rec('b', 'warn'));
    assert.equal(writes.length, 0);
    timers[0]?.();
    assert.deepEqual(writes, [
      ['info', 'a'],
      ['warn', 'b'],
    ]);
  });

  it('under pressure, writes one block per run of a level', () => {
    const { writes, timers, batcher } = harness({ coalesceAbove: 2 });
    batcher.push(rec('a'));
    batcher.push(rec('b'));
    batcher.push(rec('oops', 'error'));
    batcher.push(rec('dead', 'fatal'));
    batcher.push(rec('c'));
    assert.equal(writes.length, 0);
    assert.equal(timers.length, 1, 'one timer for the whole batch');
    timers[0]?.();
    assert.deepEqual(writes, [
      ['info', 'a\nb'],
      ['error', 'oops\nFATAL dead'],
      ['info', 'c'],
    ]);
  });

  it('keeps 10,000 lines a second to a few appends and says what it skipped', () => {
    const { writes, timers, batcher } = harness({ max: 2000 });
    for (let i = 0; i < 10_000; i++) batcher.push(rec(`line ${i}`));
    timers.shift()?.();
    assert.equal(timers.length, 0);
    assert.equal(writes.length, 2);
    assert.match(writes[0]?.[1] ?? '', /8000 log lines skipped/);
    const lines = (writes[1]?.[1] ?? '').split('\n');
    assert.equal(lines.length, 2000);
    assert.equal(lines.at(-1), 'line 9999', 'the newest lines are kept');
  });

  it('shows replicas, supervisor lines and structured fields', () => {
    const { writes, timers, batcher } = harness({ showInstance: true });
    batcher.push(rec('listening', 'info', { instance: 2, fields: { port: 1234 } }));
    batcher.push(rec('restarting', 'warn', { stream: 'supervisor' }));
    timers[0]?.();
    assert.deepEqual(writes, [
      ['info', '[#2] listening {"port":1234}'],
      ['warn', '[#1] [faultline] restarting'],
    ]);
  });

  it('flushes what is left on dispose and ignores later lines', () => {
    const { writes, batcher } = harness();
    batcher.push(rec('last words'));
    batcher.dispose();
    batcher.push(rec('after'));
    assert.deepEqual(writes, [['info', 'last words']]);
  });
});
