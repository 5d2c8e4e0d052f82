/**
 * Mutation checks of the candidate's tests: their suite must pass on their own code and fail when
 * one module is swapped for the naive solution's (the seed's limiter; a cache without TTL).
 */
import type { CheckContext, DeclareChecks } from 'faultline/checks';

async function mustCatch(t: CheckContext, file: string, defect: string): Promise<void> {
  const clean = await t.candidateTests({ timeoutMs: 90_000 });
  if (clean.passed === 0) t.fail('no test ran');
  if (clean.failed > 0)
    t.fail(`the tests fail on the candidate's own code: ${clean.failures.slice(0, 5).join('; ')}`, {
      expected: '0 failing',
      actual: `${clean.failed} failing`,
    });
  const mutant = await t.candidateTests({ replace: { [file]: t.material(`solutions/naive/${file}`) }, timeoutMs: 90_000 });
  t.log(`own code: ${clean.passed} passed; with the naive ${file}: ${mutant.passed} passed, ${mutant.failed} failed`);
  if (mutant.failed === 0)
    t.fail(`no test fails when ${defect}`, { expected: 'at least one failing test', actual: `${mutant.passed} passed` });
}

const checks: DeclareChecks = (check) => {
  check(
    'tests-catch-limiter',
    { title: 'The tests catch the seed limiter (counts rejections, in memory)', kind: 'mutation', timeoutMs: 200_000 },
    async (t) => {
      await mustCatch(t, 'gateway/src/rateLimiter.ts', 'the limiter counts rejected requests and keeps its state in memory');
    },
  );
  check('tests-catch-cache', { title: 'The tests catch a cache without TTL', kind: 'mutation', timeoutMs: 200_000 }, async (t) => {
    await mustCatch(t, 'gateway/src/cache.ts', 'the cache ignores TTLs and counts no evictions');
  });
};
export default checks;
