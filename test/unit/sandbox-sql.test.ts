import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fileOpeningSql } from '../../servers/preload/sandbox';

test('SQL that opens another file is found as keywords, not as text', () => {
  for (const sql of [
    "ATTACH DATABASE '/tmp/x.db' AS x",
    "attach '/tmp/x.db' as x",
    "/* hidden */ATTACH '/tmp/' || 'x.db' AS x",
    "-- a comment\n  Attach 'x' as y",
    "SELECT 1; ATTACH 'x' AS y",
    "VACUUM INTO '/tmp/copy.db'",
    "vacuum main into '/tmp/copy.db'",
  ])
    assert.ok(fileOpeningSql(sql), sql);
  for (const sql of [
    'SELECT * FROM "attach"',
    "INSERT INTO notes (body) VALUES ('ATTACH DATABASE x')",
    'SELECT [attach] FROM t',
    'VACUUM',
    "VACUUM; INSERT INTO t VALUES ('x')",
    '-- ATTACH\nSELECT 1',
    'SELECT attached_at FROM t',
    "SELECT 'it''s ATTACH' AS x",
  ])
    assert.equal(fileOpeningSql(sql), undefined, sql);
});
