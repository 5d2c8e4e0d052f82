/**
 * Database agent process: applies and reverts data faults on the services' SQLite files for the
 * chaos engine, over IPC. It loads better-sqlite3 from the candidate workspace (FAULTLINE_WORKSPACE),
 * on the services' runtime, never inside the editor.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { serveIpc } from '../../extension/engine/protocol/ipc';
import { loadSqlite } from '../shared/sqlite';
import { DbAgent } from './agent';
import type { DbAgentIpc } from '../../extension/engine/model/ipc';

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
serveIpc<typeof DbAgentIpc>({
  apply: ({ file, op }) => agent.apply(file, op),
  revert: ({ file, undo }) => {
    agent.revert(file, undo);
    return {};
  },
  snapshot: ({ file }) => agent.snapshot(file),
  restore: ({ file, snapshot }) => agent.restore(file, snapshot),
  query: ({ file, sql, params }) => agent.query(file, sql, params ?? []),
  ping: () => ({ pid: process.pid }),
});
// The preload unrefs the IPC channel so services may exit on their own; the agent lives until told.
process.channel?.ref();
process.on('SIGTERM', () => {
  agent.close();
  process.exit(0);
});
