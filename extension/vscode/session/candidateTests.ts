/**
 * The candidate's own test runs, seen through terminal shell integration: when a command that runs
 * the project's tests (`npm test`, `node --test`, …) ends in a terminal of this window, its exit
 * code and the totals its runner printed go on the session timeline (`candidate.tests`), so the
 * interviewer's Timeline and the scorecard show when and how often the candidate ran their tests.
 * Terminals without shell integration are simply not seen.
 */
import * as vscode from 'vscode';
import { isTestCommand, parseTestSummary } from '../../engine/candidateTests';
import { output, setContext } from '../ui';
import type { SessionManager } from './manager';

/** Runner totals are printed at the end: keep the tail of a long output only. */
const KEEP_CHARS = 64 * 1024;

async function tail(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const data of stream) text = (text + data).slice(-KEEP_CHARS);
  return text;
}

export function registerCandidateTests(sessions: SessionManager): vscode.Disposable {
  const runs = new Map<vscode.TerminalShellExecution, { started: number; output: Promise<string> }>();
  return vscode.Disposable.from(
    vscode.window.onDidStartTerminalShellExecution((e) => {
      if (!sessions.running || sessions.role === 'guest') return;
      // read() only sees what is written after it is called: start now, decide at the end, when
      // the command line is known best.
      runs.set(e.execution, { started: Date.now(), output: tail(e.execution.read()).catch(() => '') });
    }),
    vscode.window.onDidEndTerminalShellExecution(async (e) => {
      const run = runs.get(e.execution);
      runs.delete(e.execution);
      const command = e.execution.commandLine.value.trim();
      if (!run || !isTestCommand(command)) return;
      const counts = parseTestSummary(await run.output);
      const session = sessions.running;
      if (!session) return;
      session.timeline.append('candidate.tests', { command, exitCode: e.exitCode ?? null, ms: Date.now() - run.started, ...counts });
      setContext('faultline:testsRan', true); // the candidate walkthrough's "Run the tests" step
      output.log?.info(
        `candidate ran \`${command}\`: ${counts ? `${counts.passed} passed, ${counts.failed} failed` : `exit code ${e.exitCode ?? '?'}`}`,
      );
    }),
  );
}
