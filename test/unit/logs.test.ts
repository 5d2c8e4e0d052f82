import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter, LogStreamParser, parseLogLine, Ring } from '../../extension/engine/logs';
import type { LogRecord } from '../../extension/engine/model/services';

describe('log lines', () => {
  const cases: [string, 'stdout' | 'stderr', string, string][] = [
    ['INFO  listening on http://127.0.0.1:8000', 'stdout', 'info', 'listening on http://127.0.0.1:8000'],
    ['ERROR boom', 'stdout', 'error', 'boom'],
    ['WARN: disk almost full', 'stdout', 'warn', 'disk almost full'],
    ['[debug] cache miss', 'stderr', 'debug', 'cache miss'],
    ['2026-11-23T10:00:00.123Z warning slow query', 'stdout', 'warn', 'slow query'],
    ['[2026-11-23 10:00:00,123] CRITICAL down', 'stdout', 'fatal', 'down'],
    ['plain text', 'stdout', 'info', 'plain text'],
    ['plain text on stderr', 'stderr', 'error', 'plain text on stderr'],
    ['(node:123) [DEP0040] DeprecationWarning: punycode', 'stderr', 'warn', '(node:123) [DEP0040] DeprecationWarning: punycode'],
    ['{"level":30,"msg":"pino says hi","reqId":7}', 'stdout', 'info', 'pino says hi'],
    ['{"level":"error","message":"winston says no"}', 'stdout', 'error', 'winston says no'],
    ['information is not a level word here', 'stdout', 'info', 'is not a level word here'],
  ];
  for (const [line, stream, level, message] of cases) {
    it(`${stream}: ${line}`, () => {
      const parsed = parseLogLine(line, stream);
      assert.equal(parsed.level, level);
      assert.equal(parsed.message, message);
    });
  }

  it('keeps JSON fields that are not level/message/time', () => {
    assert.deepEqual(parseLogLine('{"level":"info","msg":"m","time":1,"user":"u"}', 'stdout').fields, { user: 'u' });
  });

  it('gives stack-trace lines the level of the line they continue', () => {
    const records: LogRecord[] = [];
    const p = new LogStreamParser('api', 1, 'stdout', (r) => records.push(r));
    p.push('ERROR request failed\n    at handler (/w/src/app.ts:10:5)\n');
    p.push('    at next (/w/node_modules/express/lib/router.js:1:1)\nINFO  next one\n');
    assert.deepEqual(
      records.map((r) => r.level),
      ['error', 'error', 'error', 'info'],
    );
  });

  it('splits chunks into lines, across chunk boundaries and CRLF', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), 10);
    s.push('ab');
    s.push('c\r\nde\n\nfghijklmnopqrst');
    s.flush();
    assert.deepEqual(lines, ['abc', 'de', 'fghijklmno', 'pqrst']);
  });

  it('ring keeps the newest items', () => {
    const r = new Ring<number>(3);
    for (let i = 0; i < 5; i++) r.push(i);
    assert.deepEqual(r.tail(), [2, 3, 4]);
    assert.deepEqual(r.tail(2), [3, 4]);
  });
});
