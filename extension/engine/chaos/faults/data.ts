/**
 * Data and load faults on a service's SQLite database. Every change is recorded first (full
 * original rows, inserted rowids, sequence values) so revert puts the database back exactly.
 */
import { Type } from '@sinclair/typebox';
import type { FaultType } from '../types';
import type { DbUndo, DbValue } from '../../model/ipc';

const Value = Type.Unknown({
  description:
    'A literal, or a generator: {"$lookup": {"table", "where", "column"}}, {"$pick": [...]}, {"$uniform": [min, max], "round": 2}, ' +
    '{"$int": [min, max]}, {"$mul": [a, b], "round": 2}, {"$add": [a, b]}, {"$col": "alias.column"}, ' +
    '{"$time": {"offsetMs": 0, "format": "iso" | "epoch-ms" | "epoch-s" | "sqlite" | "naive"}}, {"$seq": start}.',
});
const Row = Type.Record(Type.String(), Value);

const updateParams = Type.Object(
  {
    table: Type.String({ minLength: 1 }),
    where: Type.Record(Type.String(), Value, { description: 'Column equality filter (at least one column).' }),
    set: Row,
  },
  { additionalProperties: false },
);

export const dbUpdate: FaultType<typeof updateParams> = {
  type: 'db_update',
  layer: 'data',
  summary: 'Corrupt existing rows (negative, null, zero, overflow, empty values…)',
  description: 'Updates the rows matching `where` with `set`. The original rows are saved first and restored exactly on revert.',
  target: 'required',
  needs: { database: true },
  durable: true,
  params: updateParams,
  async apply(ctx, p) {
    if (Object.keys(p.where).length === 0) throw new Error('db_update needs at least one column in "where"');
    const undo = await ctx.db.apply(ctx.target as string, {
      kind: 'update',
      table: p.table,
      where: p.where as Record<string, DbValue>,
      set: p.set as Record<string, DbValue>,
    });
    return { service: ctx.target, db: undo };
  },
  async revert(ctx, undo) {
    await ctx.db.revert(String(undo['service']), undo['db'] as DbUndo);
  },
};

const insertParams = Type.Object(
  { table: Type.String({ minLength: 1 }), rows: Type.Array(Row, { minItems: 1 }) },
  { additionalProperties: false },
);

export const dbInsert: FaultType<typeof insertParams> = {
  type: 'db_insert',
  layer: 'data',
  summary: 'Insert rows (broken records, duplicates, inconsistent history…)',
  description: 'Inserts `rows` into `table`; missing columns take their defaults. Revert deletes exactly these rows.',
  target: 'required',
  needs: { database: true },
  durable: true,
  params: insertParams,
  async apply(ctx, p) {
    const undo = await ctx.db.apply(ctx.target as string, { kind: 'insert', table: p.table, rows: p.rows as Record<string, DbValue>[] });
    return { service: ctx.target, db: undo };
  },
  async revert(ctx, undo) {
    await ctx.db.revert(String(undo['service']), undo['db'] as DbUndo);
  },
};

const seedParams = Type.Object(
  {
    table: Type.String({ minLength: 1 }),
    count: Type.Integer({ minimum: 1, maximum: 100_000, default: 100 }),
    pick: Type.Optional(
      Type.Object(
        { table: Type.String(), as: Type.String(), where: Type.Optional(Type.Record(Type.String(), Value)) },
        {
          additionalProperties: false,
          description: 'For each generated row, pick a random row of another table, usable as {"$col": "<as>.<column>"}.',
        },
      ),
    ),
    values: Row,
  },
  { additionalProperties: false },
);

export const seedRows: FaultType<typeof seedParams> = {
  type: 'seed_rows',
  layer: 'load',
  summary: 'Seed N generated records straight into the database',
  description:
    'Inserts `count` rows built from `values` (generators are seeded, so the same seed gives the same rows) in one transaction. Revert deletes them.',
  target: 'required',
  needs: { database: true },
  durable: true,
  params: seedParams,
  async apply(ctx, p) {
    const undo = await ctx.db.apply(ctx.target as string, {
      kind: 'generate',
      table: p.table,
      count: p.count,
      ...(p.pick ? { pick: p.pick as { table: string; as: string; where?: Record<string, DbValue> } } : {}),
      values: p.values as Record<string, DbValue>,
      seed: ctx.random.int(0, 2 ** 31 - 1),
    });
    return { service: ctx.target, db: undo };
  },
  async revert(ctx, undo) {
    await ctx.db.revert(String(undo['service']), undo['db'] as DbUndo);
  },
};
