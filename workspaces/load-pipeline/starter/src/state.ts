/**
 * The pipeline's state file, data/artifacts/state.json (provided): each step records what it did,
 * so steps can run on their own and the file is an artifact to debug a run with.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const STATE_FILE = path.join('data', 'artifacts', 'state.json');

export type State = Record<string, unknown>;

export function readState(file = STATE_FILE): State {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as State;
  } catch {
    return {};
  }
}

/** Merges `patch` into the state file (written atomically). */
export function updateState(patch: State, file = STATE_FILE): State {
  const next = { ...readState(file), ...patch, updated_at: new Date().toISOString() };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(next, null, 2) + '\n');
  fs.renameSync(tmp, file);
  return next;
}
