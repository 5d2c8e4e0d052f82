/**
 * How the VS Code face talks to the user: errors reach the user once, with what to do about it
 * and a way to the log; context keys (`faultline:*`) drive `when` clauses and walkthroughs.
 */
import * as vscode from 'vscode';
import { FaultlineError, errorMessage } from '../engine/errors';

/** The Faultline log channel (set once at activation). */
export const output: { log?: vscode.LogOutputChannel } = {};

export async function showError(err: unknown, prefix?: string): Promise<void> {
  if (err instanceof FaultlineError && err.code === 'cancelled') return;
  const message = `${prefix ? `${prefix}: ` : ''}${errorMessage(err)}`;
  const hint = err instanceof FaultlineError ? err.hint : undefined;
  output.log?.error(message + (hint ? ` (${hint})` : ''));
  if (err instanceof FaultlineError && err.details) output.log?.error(err.details);
  const choice = await vscode.window.showErrorMessage(`Faultline: ${message}${hint ? ` — ${hint}` : ''}`, 'Open Log');
  if (choice === 'Open Log') output.log?.show(true);
}

/** Run a command body; any failure is reported once, never thrown into VS Code's generic handler. */
export function guarded<A extends unknown[]>(body: (...args: A) => unknown): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (err) {
      await showError(err);
    }
  };
}

export type ContextKey =
  | 'faultline:workspace'
  | 'faultline:session'
  | 'faultline:role'
  | 'faultline:chaosActive'
  | 'faultline:hintSent'
  | 'faultline:rubricRan'
  | 'faultline:testsRan'
  | 'faultline:scorecardExported';

const contextValues = new Map<ContextKey, unknown>();

export function setContext(key: ContextKey, value: string | boolean): void {
  if (contextValues.get(key) === value) return;
  contextValues.set(key, value);
  void vscode.commands.executeCommand('setContext', key, value);
}

/** "12:05" / "1:02:05" for a duration in milliseconds (negative: "-3:10"). */
export function clock(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${sign}${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
