/**
 * better-sqlite3 for Faultline's own helper processes: the workspace's copy first (the version the
 * app uses), else the one shipped with Faultline (FAULTLINE_MODULES). Never loaded in the editor.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

export function loadSqlite(workspace: string | undefined, modules: string | undefined): typeof BetterSqlite3 {
  const places = [
    ...(workspace ? [path.join(workspace, 'package.json')] : []),
    ...(modules ? [path.join(modules, '..', 'package.json')] : []),
  ];
  const errors: string[] = [];
  for (const place of places) {
    try {
      return createRequire(place)('better-sqlite3') as typeof BetterSqlite3;
    } catch (err) {
      errors.push(`${path.dirname(place)}: ${(err as Error).message.split('\n')[0] ?? ''}`);
    }
  }
  throw new Error(`cannot load better-sqlite3 (${errors.join('; ') || 'no place to look'})`);
}
