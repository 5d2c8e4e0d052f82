/**
 * The IPC channels between the engine and its child processes, as method tables: each method's
 * parameters and result. `protocol/ipc.ts` types both ends from these tables (the client's `call`
 * and the child's `serveIpc` handlers), so a method name or a shape cannot drift apart.
 *
 * - `PreloadIpc`: every service process (servers/preload): chaos settings, query stats, liveness.
 * - `DbAgentIpc`: the database agent (servers/db-agent): reversible data faults, snapshots.
 * - `CheckRunnerIpc`: the hidden-check runner (servers/check-runner): load the checks, run one.
 * - `TestWorkerIpc`: a warm test worker (servers/test-worker): run one of the candidate's test files.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { CheckKindSchema, CheckOutcomeSchema } from './interview';
import { PreloadStatsSchema } from './services';

export interface IpcMethod<P extends TSchema = TSchema, R extends TSchema = TSchema> {
  params: P;
  result: R;
}
export type IpcTable = Record<string, IpcMethod>;

const method = <P extends TSchema, R extends TSchema>(params: P, result: R): IpcMethod<P, R> => ({ params, result });
const Empty = Type.Object({});

// --- the service preload ----------------------------------------------------------------------

/** Chaos settings the preload applies inside a service process (null: off). */
export const PreloadSettingsSchema = Type.Object({
  dbLatency: Type.Optional(
    Type.Union([
      Type.Object({
        ms: Type.Number(),
        jitterMs: Type.Number(),
        statements: Type.Union([Type.Literal('all'), Type.Literal('read'), Type.Literal('write')]),
        /** Seeds the jitter, so a chaos run with the same seed slows the same statements by the same amounts. */
        seed: Type.Optional(Type.Integer()),
      }),
      Type.Null(),
    ]),
  ),
  clockSkew: Type.Optional(Type.Union([Type.Object({ offsetMs: Type.Number() }), Type.Null()])),
  /**
   * Read by bundled servers that implement it (servers/broker: every message delivered twice).
   * `probability` per message, decided by a stream seeded with `seed`.
   */
  duplicateDelivery: Type.Optional(Type.Union([Type.Object({ probability: Type.Number(), seed: Type.Integer() }), Type.Null()])),
});
export type PreloadSettings = Static<typeof PreloadSettingsSchema>;
export type PreloadSettingKey = keyof PreloadSettings;

export const PreloadIpc = {
  set: method(Type.Object({ key: Type.String(), value: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]) }), Empty),
  stats: method(Empty, PreloadStatsSchema),
  resetStats: method(Empty, PreloadStatsSchema),
  /** Answered on the main thread's event loop: a reply proves the service can serve requests. */
  ping: method(Empty, Empty),
};

// --- the database agent ------------------------------------------------------------------------

/** A value in a data fault: a literal, or a generator object evaluated by the agent. */
export const DbValueSchema = Type.Union([
  Type.String(),
  Type.Number(),
  Type.Boolean(),
  Type.Null(),
  Type.Record(Type.String(), Type.Unknown()),
]);
export type DbValue = Static<typeof DbValueSchema>;
const DbRow = Type.Record(Type.String(), DbValueSchema);

export const DbOperationSchema = Type.Union([
  Type.Object({ kind: Type.Literal('update'), table: Type.String(), where: DbRow, set: DbRow }),
  Type.Object({ kind: Type.Literal('insert'), table: Type.String(), rows: Type.Array(DbRow) }),
  Type.Object({
    kind: Type.Literal('generate'),
    table: Type.String(),
    count: Type.Integer(),
    pick: Type.Optional(Type.Object({ table: Type.String(), as: Type.String(), where: Type.Optional(DbRow) })),
    values: DbRow,
    seed: Type.Integer(),
  }),
]);
export type DbOperation = Static<typeof DbOperationSchema>;

/** Everything needed to put the rows back exactly (persisted in the session folder). */
export const DbUndoSchema = Type.Object({
  table: Type.String(),
  /** Full original rows (with rowid) of updated rows. */
  updated: Type.Array(Type.Record(Type.String(), Type.Unknown())),
  /** rowids of inserted rows. */
  inserted: Type.Array(Type.Integer()),
  /** sqlite_sequence value before, when the table has one. */
  sequence: Type.Union([Type.Number(), Type.Null()]),
  summary: Type.String(),
});
export type DbUndo = Static<typeof DbUndoSchema>;

const Rows = Type.Array(Type.Record(Type.String(), Type.Unknown()));

export const DbAgentIpc = {
  apply: method(Type.Object({ file: Type.String(), op: DbOperationSchema }), DbUndoSchema),
  revert: method(Type.Object({ file: Type.String(), undo: DbUndoSchema }), Empty),
  /** Every row of every user table (and sqlite_sequence), for exact before/after comparisons. */
  snapshot: method(Type.Object({ file: Type.String() }), Type.Record(Type.String(), Rows)),
  /** Puts a snapshot's tables back exactly (around a rubric run: the candidate's data is theirs). */
  restore: method(
    Type.Object({ file: Type.String(), snapshot: Type.Record(Type.String(), Rows) }),
    Type.Object({ tables: Type.Integer(), rows: Type.Integer() }),
  ),
  query: method(Type.Object({ file: Type.String(), sql: Type.String(), params: Type.Optional(Type.Array(Type.Unknown())) }), Rows),
  ping: method(Empty, Type.Object({ pid: Type.Integer() })),
};

// --- the check runner ---------------------------------------------------------------------------

export const CheckInfoSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  kind: CheckKindSchema,
  timeoutMs: Type.Optional(Type.Integer()),
  chaos: Type.Optional(Type.String()),
  /** It measures time: nothing runs beside it (default: true for performance checks). */
  timing: Type.Optional(Type.Boolean()),
  file: Type.String(),
});
export type CheckInfo = Static<typeof CheckInfoSchema>;

export const CheckRunnerIpc = {
  load: method(Empty, Type.Object({ checks: Type.Array(CheckInfoSchema), problems: Type.Array(Type.String()) })),
  run: method(Type.Object({ id: Type.String() }), CheckOutcomeSchema),
  /**
   * Gets ready to run the candidate's tests while other checks run: starts the warm test workers
   * (which load the workspace's dependencies) and loads the parser that instruments sources.
   */
  warm: method(Empty, Empty),
  /** Stops what the runner started (the warm test workers) before it is killed. */
  close: method(Empty, Empty),
};

// --- a warm test worker (servers/test-worker) ---------------------------------------------------

/** Point ids per instrumented file id (see process/coverage.ts). */
const Hits = Type.Record(Type.String(), Type.Array(Type.Integer()));

export const TestWorkerIpc = {
  /** Runs one test file of the scratch copy as it is now; its TAP report streams as `TestWorkerTap` messages. */
  run: method(
    Type.Object({
      job: Type.Integer(),
      /** Relative to the scratch copy. */
      file: Type.String(),
      /** Only the tests with these full names register (null: all of them). */
      names: Type.Union([Type.Array(Type.String()), Type.Null()]),
      /** Skip the tests after the first failing one. */
      bail: Type.Boolean(),
      /** The copy is instrumented: the number of marks of each file, in file id order. */
      coverage: Type.Optional(Type.Object({ counts: Type.Array(Type.Integer()) })),
    }),
    Type.Object({
      /** Names asked for that no test registered under (a name the worker cannot reproduce). */
      unmatched: Type.Array(Type.String()),
      coverage: Type.Optional(Type.Object({ outside: Hits, tests: Type.Record(Type.String(), Hits) })),
    }),
  ),
};

/** A piece of a job's TAP report, sent as it is written (a worker that dies mid-job leaves what it wrote). */
export interface TestWorkerTap {
  type: 'faultline:tap';
  job: number;
  chunk: string;
}
