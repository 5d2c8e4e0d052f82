/**
 * "Start this workspace's services when an editor opens it": New Interview scaffolds a workspace
 * and opens it in a new window (a new extension host), and `faultline new --autostart` prepares
 * one for `npm start`. The request lives in the session folder (never in the candidate
 * workspace) and is taken once; a stale request (older than ten minutes) is ignored.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sessionDirFor, writeFileAtomic } from './session';

export type SessionMode = 'interview' | 'practice';

const FILE = 'autostart.json';
const MAX_AGE_MS = 10 * 60_000;

export function requestAutostart(workspace: string, mode: SessionMode): void {
  const dir = sessionDirFor(workspace);
  fs.mkdirSync(dir, { recursive: true });
  writeFileAtomic(path.join(dir, FILE), JSON.stringify({ mode, requestedAt: new Date().toISOString() }));
}

/** The pending request for this workspace, removed as it is read; null when there is none. */
export function takeAutostart(workspace: string, now = Date.now()): SessionMode | null {
  const file = path.join(sessionDirFor(workspace), FILE);
  let request: { mode?: unknown; requestedAt?: unknown };
  try {
    request = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof request;
  } catch {
    return null;
  }
  fs.rmSync(file, { force: true });
  const age = now - Date.parse(String(request.requestedAt));
  if (!(age >= 0 && age < MAX_AGE_MS)) return null;
  return request.mode === 'practice' ? 'practice' : 'interview';
}
