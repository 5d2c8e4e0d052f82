/**
 * Mutation checks of the candidate's tests: their suite must pass on their own code and fail when
 * one file is swapped for the starter's buggy version (the projection that applies a redelivered
 * event twice; the store without optimistic concurrency).
 */
import type { CheckContext, DeclareChecks } from 'faultline/checks';

async function mustCatch(t: CheckContext, file: string, defect: string): Promise<void> {
  const clean = await t.candidateTests({ timeoutMs: 60_000 });
  if (clean.passed === 0) t.fail('no test ran');
  if (clean.failed > 0)
    t.fail(`the tests fail on the candidate's own code: ${clean.failures.slice(0, 5).join('; ')}`, {
      expected: '0 failing',
      actual: `${clean.failed} failing`,
    });
  const mutant = await t.candidateTests({ replace: { [file]: t.material(`starter/${file}`) }, timeoutMs: 60_000 });
  t.log(`own code: ${clean.passed} passed; with the starter's ${file}: ${mutant.passed} passed, ${mutant.failed} failed`);
  if (mutant.failed === 0)
    t.fail(`no test fails when ${defect} (${file} replaced by the starter's)`, {
      expected: 'at least one failing test',
      actual: `${mutant.passed} passed`,
    });
}

const checks: DeclareChecks = (check) => {
  check(
    'tests-catch-double-apply',
    { title: 'The tests catch a projection that applies a redelivered event twice', kind: 'mutation', timeoutMs: 150_000 },
    async (t) => {
      await mustCatch(t, 'projector/src/projection.ts', 'a redelivered event is applied twice');
    },
  );
  check(
    'tests-catch-lost-update',
    { title: 'The tests catch a store without optimistic concurrency', kind: 'mutation', timeoutMs: 150_000 },
    async (t) => {
      await mustCatch(t, 'commands/src/store.ts', 'two appends of the same account version both succeed');
    },
  );
};
export default checks;
