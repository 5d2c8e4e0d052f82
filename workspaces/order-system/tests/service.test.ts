/**
 * The order-system exercise end to end: the starter and both solutions scaffolded by the CLI and
 * served by `faultline up` (three services behind the fault proxy), driven over real HTTP by the
 * contract; the guide's two reproductions show both bugs on the starter and neither on the
 * solutions; each workspace's own test suite and type-check pass; the starter holds no
 * interviewer material. The three sessions start in parallel, and the workspaces' suites run
 * in the background while the contract runs.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { orderSystemContract, reproduce, type OrderSystemUrls, type OrderSystemVariant } from './contract';
import { cliEnv, exerciseDir, npmRun, runCli, type ScriptRun, startUp, suiteCleanup, tempDir, type UpProcess } from 'faultline/testing';

const VARIANTS: readonly OrderSystemVariant[] = ['starter', 'reference', 'pending'];
const EXERCISE = exerciseDir(__filename);

/** Every file of a folder, relative, without node_modules, git data, the Faultline marker and databases. */
function candidateFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .filter((f) => !/^(node_modules|\.git|\.faultline|data)([/\\]|$)/.test(f));
}

describe('order-system exercise', () => {
  const t = suiteCleanup();
  const home = tempDir(t, 'faultline-home-');
  const work = tempDir(t, 'faultline-os-');
  const env = cliEnv(home);

  const dirs = new Map<OrderSystemVariant, string>();
  const sessions = new Map<OrderSystemVariant, UpProcess>();
  /** `npm test` then `npm run typecheck` of each workspace, started as soon as it is scaffolded. */
  const suites = new Map<OrderSystemVariant, Promise<{ test: ScriptRun; typecheck: ScriptRun }>>();

  before(async () => {
    await Promise.all(
      VARIANTS.map(async (variant) => {
        const dir = path.join(work, variant);
        const r = await runCli(['new', 'order-system', dir, ...(variant === 'starter' ? [] : ['--solution', variant])], { env });
        assert.equal(r.code, 0, r.stderr);
        dirs.set(variant, dir);
        sessions.set(variant, await startUp(t, dir, { env, stateFile: path.join(work, `${variant}.state.json`) }));
        suites.set(
          variant,
          npmRun(dir, 'test').then(async (test) => ({ test, typecheck: await npmRun(dir, 'typecheck') })),
        );
      }),
    );
  });

  function urlsOf(variant: OrderSystemVariant): OrderSystemUrls {
    const services = sessions.get(variant)?.state.services ?? {};
    const url = (name: string) => services[name]?.url ?? 'http://127.0.0.1:1';
    return { inventory: url('inventory'), orders: url('orders'), web: url('web') };
  }

  for (const variant of VARIANTS) {
    describe(`${variant}${variant === 'starter' ? '' : ' solution'} served by \`faultline up\``, () => {
      orderSystemContract(
        () => urlsOf(variant),
        () => variant,
      );

      it(`the guide's reproductions ${variant === 'starter' ? 'show both issues' : 'show neither issue'}`, async (tc) => {
        const result = await reproduce(urlsOf(variant));
        for (const line of result.details) tc.diagnostic(line);
        const expected = variant === 'starter';
        assert.equal(result.issue1, expected, `issue 1 (order confirmed without stock)\n${result.details.join('\n')}`);
        assert.equal(result.issue2, expected, `issue 2 (totals follow today's price)\n${result.details.join('\n')}`);
      });

      it('its own test suite passes and it type-checks strictly', async () => {
        const run = await suites.get(variant);
        assert.ok(run, 'the workspace was scaffolded');
        assert.equal(run.test.code, 0, run.test.output);
        assert.equal(run.test.counts.fail, 0, run.test.output);
        assert.ok(run.test.counts.pass >= (variant === 'starter' ? 60 : 75), `${run.test.counts.pass} tests passed`);
        assert.equal(run.typecheck.code, 0, run.typecheck.output);
      });
    });
  }

  it('the starter workspace holds only candidate material', () => {
    const dir = dirs.get('starter');
    assert.ok(dir);
    const files = candidateFiles(dir);
    for (const f of ['README.md', 'package.json', 'order-service/src/orders/service.ts', 'web/public/index.html'])
      assert.ok(files.includes(f), f);

    const starter = path.join(EXERCISE, 'starter');
    const secrets = [
      fs.readFileSync(path.join(EXERCISE, 'interviewer', 'GUIDE.md'), 'utf8'),
      fs.readFileSync(path.join(EXERCISE, 'exercise.json'), 'utf8'),
    ];
    for (const solution of ['reference', 'pending']) {
      const root = path.join(EXERCISE, 'solutions', solution);
      for (const f of candidateFiles(root)) {
        const text = fs.readFileSync(path.join(root, f), 'utf8');
        const original = path.join(starter, f);
        // Overlay files identical to the starter's (kept for the type-check view) are not secrets.
        if (!fs.existsSync(original) || fs.readFileSync(original, 'utf8') !== text) secrets.push(text);
      }
    }
    for (const f of files) {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      for (const secret of secrets) assert.notEqual(text, secret, `${f} is interviewer material`);
      assert.doesNotMatch(text, /CONFIDENTIAL|intentional issue|reference solution|pending solution|idempoten|snapshot|saga|compensat/i, f);
    }
  });
});
