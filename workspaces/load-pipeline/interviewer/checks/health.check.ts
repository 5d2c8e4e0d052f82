/** The health-wait, the percentile function, and bad input. */
import type { CheckContext, DeclareChecks, ProgramRun } from 'faultline/checks';
import { allReady, HOSTS, rotation, tail } from './support';

const STACK = /^\s+at .+[(:]\d+/m;

function noStack(t: CheckContext, run: ProgramRun, what: string): void {
  if (STACK.test(run.stderr) || STACK.test(run.stdout))
    t.fail(`${what}: printed a stack trace instead of a message`, { actual: tail(run.stderr) });
}

const PERCENTILE_PROBE = `import { percentile } from './stats';
const cases: [number[], number][] = [
  [[1, 2, 3, 4, 5], 50], [[1, 2, 3, 4, 5], 90], [[10, 20], 50], [[], 50], [[7], 99],
  [[5, 1, 4, 2, 3], 25], [[1, 1, 1, 9], 50], [[1, 1, 1, 9], 75], [[3, 1, 2], 0], [[3, 1, 2], 100],
];
const out = cases.map(([v, p]) => { try { return percentile(v, p); } catch (e) { return 'throws: ' + String(e); } });
const input = [3, 1, 2];
percentile(input, 50);
console.log(JSON.stringify({ out, input }));
`;
const EXPECTED = [3, 4.6, 15, 0, 7, 2, 1, 3, 1, 3];
const LABELS = [
  'p50 [1..5]',
  'p90 [1..5]',
  'p50 [10, 20]',
  'p50 []',
  'p99 [7]',
  'p25 [5,1,4,2,3]',
  'p50 [1,1,1,9]',
  'p75 [1,1,1,9]',
  'p0 [3,1,2]',
  'p100 [3,1,2]',
];

const checks: DeclareChecks = (check) => {
  check('percentile-edges', { title: 'percentile(): interpolation and edge cases', kind: 'functional', timeoutMs: 30_000 }, async (t) => {
    const run = await t.candidateProgram('src/__faultline_percentile.ts', {
      replace: { 'src/__faultline_percentile.ts': PERCENTILE_PROBE },
      timeoutMs: 20_000,
    });
    const line = run.stdout.trim().split('\n').pop() ?? '';
    let got: { out: unknown[]; input: number[] };
    try {
      got = JSON.parse(line) as typeof got;
    } catch {
      return t.fail(`percentile() could not be called: ${tail(run.stderr || run.stdout)}`);
    }
    const wrong = LABELS.filter((_, i) => typeof got.out[i] !== 'number' || Math.abs(got.out[i] - EXPECTED[i]) > 1e-6).map(
      (label) => `${label} = ${JSON.stringify(got.out[LABELS.indexOf(label)])} (expected ${EXPECTED[LABELS.indexOf(label)]})`,
    );
    if (wrong.length > 0) t.fail(`percentile() is wrong for ${wrong.join('; ')}`, { expected: EXPECTED, actual: got.out });
    t.expect(got.input, [3, 1, 2], 'percentile() leaves its input unsorted');
  });

  check(
    'wait-slow-readiness',
    { title: 'slow_readiness: wait-healthy waits, then exits 0', kind: 'chaos', chaos: 'slow_readiness', timeoutMs: 90_000 },
    async (t) => {
      await rotation(t, (e) => e.length > 0 && e.every((x) => !x.ready), 'every replica out of the rotation', 10_000);
      const run = await t.candidateProgram('src/wait-healthy.ts', {
        args: ['--target', t.url('ingress'), '--retries', '40', '--delay-ms', '1000', '--deadline-ms', '45000'],
        timeoutMs: 60_000,
      });
      if (run.code !== 0)
        t.fail(
          `wait-healthy exited ${run.timedOut ? 'killed after 60 s' : run.code} while the replicas were warming up (~8 s): ${tail(run.stderr || run.stdout)}`,
        );
    },
  );

  check(
    'wait-deadline',
    {
      title: 'never_ready: wait-healthy gives up within its deadline, one line per host',
      kind: 'chaos',
      chaos: 'never_ready',
      timing: true,
      timeoutMs: 60_000,
    },
    async (t) => {
      await rotation(t, (e) => e.filter((x) => x.host === 'bar.localhost').every((x) => !x.ready), 'bar out of the rotation', 10_000);
      const run = await t.candidateProgram('src/wait-healthy.ts', {
        args: ['--target', t.url('ingress'), '--retries', '100', '--delay-ms', '200', '--deadline-ms', '3000'],
        timeoutMs: 30_000,
      });
      if (run.code === 0) t.fail('wait-healthy exited 0 although bar.localhost never became ready');
      if (run.timedOut) t.fail('wait-healthy ignored --deadline-ms 3000 (killed after 30 s)');
      // The program starts in about a second (TypeScript); its deadline is 3 s.
      if (run.ms > 9000) t.fail(`wait-healthy took ${run.ms} ms with --deadline-ms 3000`);
      const out = run.stdout + run.stderr;
      for (const h of HOSTS) if (!out.includes(h)) t.fail(`wait-healthy's output has no line for ${h}`, { actual: tail(out) });
      if (!/503/.test(out)) t.fail('wait-healthy does not say what bar.localhost last answered (503)', { actual: tail(out) });
      noStack(t, run, 'wait-healthy');
    },
  );

  check(
    'bad-input',
    { title: 'Bad flags, --concurrency 0, unknown host, unreachable target: clear messages', kind: 'functional', timeoutMs: 90_000 },
    async (t) => {
      await allReady(t);
      const cases: { args: string[]; mention: RegExp; what: string }[] = [
        { args: ['--target', t.url('ingress'), '--concurrency', '0'], mention: /concurrency/i, what: '--concurrency 0' },
        { args: ['--target', t.url('ingress'), '--bogus', '1'], mention: /bogus/i, what: 'an unknown flag' },
        {
          args: ['--target', t.url('ingress'), '--hosts', 'nope.localhost', '--warm-up-retries', '2'],
          mention: /nope\.localhost/,
          what: 'an unknown host',
        },
        {
          args: ['--target', 'http://127.0.0.1:9', '--warm-up-retries', '2', '--timeout-ms', '1000'],
          mention: /127\.0\.0\.1:9|ECONNREFUSED|refused|unreachable/i,
          what: 'an unreachable target',
        },
      ];
      for (const c of cases) {
        const run = await t.candidateProgram('src/load-test.ts', { args: [...c.args, '--requests', '5'], timeoutMs: 30_000 });
        if (run.code === 0) t.fail(`load-test with ${c.what} exited 0`);
        if (run.timedOut) t.fail(`load-test with ${c.what} did not end within 30 s`);
        noStack(t, run, `load-test with ${c.what}`);
        if (!c.mention.test(run.stderr + run.stdout))
          t.fail(`load-test with ${c.what}: the message does not say what is wrong`, { actual: tail(run.stderr || run.stdout) });
      }
    },
  );
};

export default checks;
