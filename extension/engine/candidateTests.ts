/**
 * The candidate's own test runs, as an editor sees them in a terminal: which command lines run
 * the project's tests, and the counts a test runner printed. Recorded on the timeline as
 * `candidate.tests`, so the interviewer sees when and how often the candidate ran their tests.
 */

export interface TestCounts {
  passed: number;
  failed: number;
  todo: number;
}

/** `npm test`, `npm run test:unit`, `pnpm test`, `yarn test`, `node --test …`, `npx vitest`, `npx jest`, `tsx --test` … */
const TEST_COMMAND =
  /(?:^|[;&|(]\s*|\s)(?:(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?test(?::\S+)?\b|npm\s+t\b|(?:node|tsx)\b[^;&|]*\s--test\b|(?:npx\s+)?(?:vitest|jest|mocha)\b)/;

export function isTestCommand(commandLine: string): boolean {
  return TEST_COMMAND.test(commandLine.trim());
}

// eslint-disable-next-line no-control-regex -- ANSI escape sequences are what we strip
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g;

/**
 * The totals a test runner printed last: Node's runner (spec "ℹ pass 3", TAP "# pass 3"), Jest or
 * Vitest ("Tests: 1 failed, 3 passed"), Mocha ("3 passing", "1 failing"). Undefined if none.
 */
export function parseTestSummary(output: string): TestCounts | undefined {
  const text = output.replace(ANSI, '').replace(/\r/g, '');
  const last = (re: RegExp): number | undefined => {
    let found: number | undefined;
    for (const m of text.matchAll(re)) found = Number(m[1]);
    return found;
  };
  const nodePass = last(/^[ \t]*(?:ℹ|#) pass (\d+)$/gm);
  if (nodePass !== undefined) {
    return { passed: nodePass, failed: last(/^[ \t]*(?:ℹ|#) fail (\d+)$/gm) ?? 0, todo: last(/^[ \t]*(?:ℹ|#) todo (\d+)$/gm) ?? 0 };
  }
  const jest = [...text.matchAll(/^\s*Tests:?\s+(.*)$/gm)].pop()?.[1];
  if (jest && /\d+ (?:passed|failed)/.test(jest)) {
    const n = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(jest)?.[1] ?? 0);
    return { passed: n('passed'), failed: n('failed'), todo: n('todo') };
  }
  const passing = last(/^\s*(\d+) passing\b/gm);
  if (passing !== undefined)
    return { passed: passing, failed: last(/^\s*(\d+) failing\b/gm) ?? 0, todo: last(/^\s*(\d+) pending\b/gm) ?? 0 };
  return undefined;
}

/** How the candidate used their tests during the session, from the timeline. */
export interface TestActivity {
  runs: number;
  firstAt: string | null;
  /** The first run that exited 0 with no failing test. */
  firstGreenAt: string | null;
  last: { at: string; exitCode: number | null; passed?: number; failed?: number } | null;
}

export function testActivity(events: readonly { t: string; type: string; [key: string]: unknown }[]): TestActivity {
  const activity: TestActivity = { runs: 0, firstAt: null, firstGreenAt: null, last: null };
  for (const e of events) {
    if (e.type !== 'candidate.tests') continue;
    activity.runs++;
    activity.firstAt ??= e.t;
    const exitCode = typeof e['exitCode'] === 'number' ? e['exitCode'] : null;
    const failed = typeof e['failed'] === 'number' ? e['failed'] : undefined;
    const passed = typeof e['passed'] === 'number' ? e['passed'] : undefined;
    if (exitCode === 0 && !failed) activity.firstGreenAt ??= e.t;
    activity.last = { at: e.t, exitCode, ...(passed !== undefined ? { passed } : {}), ...(failed !== undefined ? { failed } : {}) };
  }
  return activity;
}

/** One sentence for the scorecard. */
export function describeTestActivity(a: TestActivity): string {
  if (a.runs === 0) return 'The candidate did not run their tests in a terminal Faultline could see.';
  const last = a.last;
  const lastText = !last
    ? ''
    : last.passed !== undefined
      ? ` The last run: ${last.passed} passed, ${last.failed ?? 0} failed.`
      : ` The last run exited with code ${last.exitCode ?? 'unknown'}.`;
  const green = a.firstGreenAt ? `first all passing at ${a.firstGreenAt}` : 'never all passing';
  return `The candidate ran their tests ${a.runs} time(s): first at ${a.firstAt ?? '?'}, ${green}.${lastText}`;
}
