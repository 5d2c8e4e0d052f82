/**
 * Mutation checks of the nine tests the candidate writes: their test suite runs against the
 * reference implementation (it must pass) and against a reference with one known defect (it must
 * fail). Each defect slips past the eight provided tests, so only a written test catches it.
 */
import type { CheckContext, CheckFunction, CheckOptions, DeclareChecks } from 'faultline/checks';

const SERVICE = 'src/alerts/service.ts';
const ROUTES = 'src/alerts/routes.ts';
const SUITE = ['test/price-alerts.test.ts'];

interface Edit {
  file: typeof SERVICE | typeof ROUTES;
  find: string;
  replace: string;
}

/** The nine written tests, each with the defect it must catch. */
export const MUTANTS: { id: string; test: string; defect: string; edits: Edit[] }[] = [
  {
    id: 'test-unknown-symbol',
    test: 'returns 404 for a symbol that does not exist',
    defect: 'alerts for unknown symbols are accepted',
    edits: [
      { file: SERVICE, find: '  if (!stock) throw new HttpError(404, `Stock ${symbol} not found`);\n', replace: '' },
      {
        file: SERVICE,
        find: 'currentPrice: finiteOrNull(stock.current_price) };',
        replace: 'currentPrice: finiteOrNull(stock?.current_price) };',
      },
    ],
  },
  {
    id: 'test-requires-auth',
    test: 'requires authentication to create an alert',
    defect: 'POST /alerts without a token fails with 500 instead of 401',
    // Authenticated requests (all the provided tests) still work; only a missing token goes unchecked.
    edits: [
      {
        file: ROUTES,
        find: "router.post('/', auth, async",
        replace: "router.post('/', (req, res, next) => (req.headers.authorization ? auth(req, res, next) : next()), async",
      },
    ],
  },
  {
    id: 'test-missing-alert',
    test: 'returns 404 for an alert that does not exist',
    defect: 'an id that never existed answers 500 instead of 404',
    // A deleted alert (the provided test) still answers 404; only ids past the newest one crash.
    edits: [
      {
        file: SERVICE,
        find: "  if (!row) throw new HttpError(404, 'Alert not found');",
        replace:
          "  if (!row) {\n    const issued = (await db('sqlite_sequence').where({ name: 'price_alerts' }).first<{ seq: number } | undefined>())?.seq ?? 0;\n    if (alertId > issued) throw new Error('row is undefined');\n    throw new HttpError(404, 'Alert not found');\n  }",
      },
    ],
  },
  {
    id: 'test-current-price',
    test: 'includes the current stock price in every alert',
    defect: 'listed alerts carry no current price',
    edits: [
      {
        file: SERVICE,
        find: '  return { alert, currentPrice: finiteOrNull(stock_price) };',
        replace: '  return { alert, currentPrice: stock_price === undefined ? null : null };',
      },
    ],
  },
  {
    id: 'test-delete-missing',
    test: 'returns 404 when deleting an alert that does not exist',
    defect: 'deleting a missing alert answers 204',
    edits: [{ file: SERVICE, find: "  if (deleted === 0) throw new HttpError(404, 'Alert not found');\n", replace: '' }],
  },
  {
    id: 'test-condition-not-met',
    test: 'does not trigger an alert whose condition is not met',
    defect: '"above" alerts trigger whatever the price',
    edits: [
      {
        file: SERVICE,
        find: "    case 'above':\n      return priceCents >= targetCents;",
        replace: "    case 'above':\n      return priceCents >= 0 || targetCents >= 0;",
      },
    ],
  },
  {
    id: 'test-trigger-once',
    test: 'does not trigger an already triggered alert again',
    defect: 'triggered alerts trigger again on every check',
    edits: [
      {
        file: SERVICE,
        find: ".andWhere('a.is_active', true).andWhere('a.is_triggered', false).orderBy('a.id')",
        replace: ".andWhere('a.is_active', true).orderBy('a.id')",
      },
      { file: SERVICE, find: '.andWhere({ user_id: user.id, is_triggered: false })', replace: '.andWhere({ user_id: user.id })' },
    ],
  },
  {
    id: 'test-active-only',
    test: 'excludes triggered alerts when active_only=true',
    defect: 'active_only=true still lists triggered alerts',
    edits: [
      {
        file: SERVICE,
        find: "query.andWhere('a.is_active', true).andWhere('a.is_triggered', false);",
        replace: "query.andWhere('a.is_active', true);",
      },
    ],
  },
  {
    id: 'test-ownership',
    test: "hides another user's alerts",
    defect: "any user can read and delete anyone's alert by id",
    edits: [
      {
        file: SERVICE,
        find: "  const row = await alertsWithPrices(db, user).andWhere('a.id', alertId).first();",
        replace:
          "  const row = await db('price_alerts as a').leftJoin('stocks as s', 's.symbol', 'a.symbol').where('a.id', alertId).select<AlertJoinRow[]>('a.*', 's.current_price as stock_price').first();\n  void user;",
      },
      { file: SERVICE, find: '.where({ id: alertId, user_id: user.id }).delete();', replace: '.where({ id: alertId }).delete();' },
    ],
  },
];

function reference(t: CheckContext): Record<string, string> {
  return { [SERVICE]: t.material(`solutions/reference/${SERVICE}`), [ROUTES]: t.material(`solutions/reference/${ROUTES}`) };
}

export function mutate(t: CheckContext, base: Record<string, string>, edits: Edit[]): Record<string, string> {
  const files = { ...base };
  for (const e of edits) {
    const text = files[e.file] ?? '';
    const at = text.indexOf(e.find);
    if (at < 0 || text.indexOf(e.find, at + 1) >= 0)
      t.fail(`mutant setup: the reference ${e.file} no longer contains exactly one "${e.find.trim().slice(0, 60)}"`);
    files[e.file] = text.slice(0, at) + e.replace + text.slice(at + e.find.length);
  }
  return files;
}

function mutationCheck(id: string): [CheckOptions, CheckFunction] {
  const m = MUTANTS.find((x) => x.id === id);
  if (!m) throw new Error(`no mutant ${id}`);
  return [
    { title: `The candidate's test "${m.test}" catches: ${m.defect}`, kind: 'mutation', timeoutMs: 120_000 },
    async (t) => {
      const base = reference(t);
      const clean = await t.candidateTests({ replace: base, files: SUITE });
      if (clean.failed > 0) {
        t.fail(
          `the candidate's tests fail against the reference implementation, so they cannot tell a defect apart: ${clean.failures.slice(0, 3).join('; ')}`,
          {
            expected: '0 failing tests on the reference',
            actual: `${clean.failed} failing`,
          },
        );
      }
      if (clean.passed === 0) t.fail('no test ran (is test/price-alerts.test.ts there?)');
      const mutant = await t.candidateTests({ replace: mutate(t, base, m.edits), files: SUITE });
      t.log(`reference: ${clean.passed} passed, ${clean.todo} todo; with the defect: ${mutant.passed} passed, ${mutant.failed} failed`);
      if (mutant.failed === 0) {
        t.fail(`no test caught the defect "${m.defect}" — the test "${m.test}" is missing (still a todo?) or does not check it`, {
          expected: 'at least one failing test',
          actual: `${mutant.passed} passed, ${mutant.todo} todo`,
        });
      }
    },
  ];
}

// Ids are written out (not generated) so editors and `faultline validate` can find them.
const checks: DeclareChecks = (check) => {
  check('test-unknown-symbol', ...mutationCheck('test-unknown-symbol'));
  check('test-requires-auth', ...mutationCheck('test-requires-auth'));
  check('test-missing-alert', ...mutationCheck('test-missing-alert'));
  check('test-current-price', ...mutationCheck('test-current-price'));
  check('test-delete-missing', ...mutationCheck('test-delete-missing'));
  check('test-condition-not-met', ...mutationCheck('test-condition-not-met'));
  check('test-trigger-once', ...mutationCheck('test-trigger-once'));
  check('test-active-only', ...mutationCheck('test-active-only'));
  check('test-ownership', ...mutationCheck('test-ownership'));
};

export default checks;
