/**
 * What a candidate may know about the running session, published in the candidate workspace as
 * `.faultline/session.json` (git-ignored): the exercise title, the candidate portal and the
 * services' public addresses — nothing else. A Live Share guest (whose editor cannot see the
 * host's session folder) finds the portal through it; it is removed when the session stops.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, type SessionState } from './session';
import { MARKER_DIR } from './workspace';

export const CANDIDATE_INFO_FILE = `${MARKER_DIR}/session.json`;

export interface CandidateInfo {
  exercise: string;
  title: string;
  portal: string;
  services: Record<string, string>;
  startedAt: string;
}

/** The whitelist: built field by field from the state, never by copying it. */
export function candidateInfo(state: SessionState): CandidateInfo {
  return {
    exercise: state.exercise,
    title: state.title,
    portal: state.portal.url,
    services: Object.fromEntries(Object.entries(state.services).map(([name, s]) => [name, s.url])),
    startedAt: state.startedAt,
  };
}

export function publishCandidateInfo(state: SessionState): void {
  const file = path.join(state.workspace, CANDIDATE_INFO_FILE);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  writeFileAtomic(file, JSON.stringify(candidateInfo(state), null, 2) + '\n', 0o644);
}

export function withdrawCandidateInfo(workspace: string): void {
  fs.rmSync(path.join(workspace, CANDIDATE_INFO_FILE), { force: true });
}

/**
 * Environment variables naming each service's public address, for the candidate's terminals and
 * programs: `<NAME>_URL` (upper case, other characters as `_`), e.g. `INGRESS_URL`, `API_URL`.
 */
export function serviceUrlEnv(services: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(services).map(([name, url]) => [`${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`, url]));
}
