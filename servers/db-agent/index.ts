/**
 * Database agent process: applies and reverts data faults on the services' SQLite files for the
 * chaos engine, over IPC. It loads better-sqlite3 from the candidate workspace (FAULTLINE_WORKSPACE),
 * on the services' runtime, never inside the editor.
 */
import type BetterSqlite3 from 'better-sqlite3';
import type { DbOperation, DbUndo } from '../../extension/engine/chaos/types';
import { serveIpc } from '../../extension/engine/protocol/ipc';
import { loadSqlite } from '../shared/sqlite';
import { DbAgent } from './agent';

const workspace = process.env['FAULTLINE_WORKSPACE'];
if (!workspace || typeof process.send !== 'function') {
  console.error('ERROR the database agent only runs under the Faultline engine (FAULTLINE_WORKSPACE and IPC are required)');
  process.exit(2);
}

let Driver: typeof BetterSqlite3;
try {
  Driver = loadSqlite(workspace, process.env['FAULTLINE_MODULES']);
} catch (err) {
  console.error(`ERROR ${(err as Error).message}`);
  process.exit(3);
}

const agent = new DbAgent(Driver);
serveIpc({
  apply: (p) => {
    const { file, op } = p as { file: string; op: DbOperation };
    return agent.apply(file, op);
  },
  revert: (p) => {
    const { file, undo } = p as { file: string; undo: DbUndo };
    agent.revert(file, undo);
    return {};
  },
  snapshot: (p) => agent.snapshot((p as { file: string }).file),
  query: (p) => {
    const { file, sql, params } = p as { file: string; sql: string; params?: unknown[] };
    return agent.query(file, sql, params ?? []);
  },
  ping: () => ({ pid: process.pid }),
});
// The preload unrefs the IPC channel so services may exit on their own; the agent lives until told.
process.channel?.ref();
process.on('SIGTERM', () => {
  agent.close();
  process.exit(0);
});
