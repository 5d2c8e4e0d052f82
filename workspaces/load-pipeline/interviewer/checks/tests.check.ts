/**
 * Mutation checks of the candidate's own tests: their suite runs against the reference statistics
 * (it must pass) and against the reference with one known defect (it must fail). The provided
 * tests miss both defects, so only a test the candidate wrote catches them.
 */
import type { CheckContext, DeclareChecks } from 'faultline/checks';

const STATS = 'src/stats.ts';
const REFERENCE = ['src/stats.ts', 'src/report.ts', 'src/attempt.ts', 'src/runner.ts', 'src/health.ts'];

const MUTANTS = [
  {
    id: 'test-percentile',
    title: "The candidate's tests catch nearest-rank percentiles",
    defect: 'percentile() uses nearest rank instead of linear interpolation',
    find: '  return low + (high - low) * (rank - lo);',
    replace: '  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] as number;',
  },
  {
    id: 'test-summary',
    title: "The candidate's tests catch a summary that counts every failure as http",
    defect: 'summarize() counts timeouts and network errors as http failures',
    find: "    else failures[o.failure ?? 'http']++;",
    replace: '    else failures.http++;',
  },
];

function reference(t: CheckContext): Record<string, string> {
  return Object.fromEntries(REFERENCE.map((f) => [f, t.material(`solutions/reference/${f}`)]));
}

function mutation(m: (typeof MUTANTS)[number]) {
  return async (t: CheckContext) => {
    const base = reference(t);
    const clean = await t.candidateTests({ replace: base, timeoutMs: 60_000 });
    if (clean.failed > 0) t.fail(`the tests fail against a correct implementation: ${clean.failures.slice(0, 3).join('; ')}`);
    if (clean.passed === 0) t.fail('no tests ran');
    const text = base[STATS] ?? '';
    if (!text.includes(m.find)) t.fail(`internal: the mutant for ${m.id} no longer applies to the reference`);
    const mutant = await t.candidateTests({ replace: { ...base, [STATS]: text.replace(m.find, m.replace) }, timeoutMs: 60_000 });
    if (mutant.failed === 0) t.fail(`no test fails when ${m.defect}`);
  };
}

const [percentileMutant, summaryMutant] = MUTANTS as [(typeof MUTANTS)[number], (typeof MUTANTS)[number]];

const checks: DeclareChecks = (check) => {
  check('test-percentile', { title: percentileMutant.title, kind: 'mutation', timeoutMs: 90_000 }, mutation(percentileMutant));
  check('test-summary', { title: summaryMutant.title, kind: 'mutation', timeoutMs: 90_000 }, mutation(summaryMutant));
};

export default checks;
