/**
 * The engine's rules as pure functions, without a process, a socket or a clock: scores folded from
 * a timeline, the manual-scoring rule, the interview clock and practice locks, hint ladders, which
 * checks a stage runs, and what `test-exercise` expects of each variant.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { serviceUrlEnv } from '../../extension/engine/candidateInfo';
import { summaryFacts } from '../../extension/engine/rubric/scorecard';
import { describeRunTime } from '../../extension/engine/rubric/score';
import type { Scorecard } from '../../extension/engine/model/interview';
import { FaultlineError } from '../../extension/engine/errors';
import { hintStatus } from '../../extension/engine/hints';
import { expectationFor, judge } from '../../extension/engine/interview/testExercise';
import type { Exercise } from '../../extension/engine/manifest/schema';
import { validateManifestFile } from '../../extension/engine/manifest/validate';
import type { TimelineEvent } from '../../extension/engine/model/interview';
import { chaosLock, phaseStatus, requireUnlocked } from '../../extension/engine/phases';
import { checksFor } from '../../extension/engine/rubric/run';
import { checkManualScore, computeScore } from '../../extension/engine/rubric/score';
import { fixtures } from '../helpers';

const fixture = ((): Exercise => {
  const m = validateManifestFile(path.join(fixtures, 'exercises', 'fixture-basic', 'exercise.json')).manifest;
  if (!m) throw new Error('the fixture manifest does not validate');
  return m;
})();

let clock = Date.parse('2026-12-01T10:00:00Z');
const at = (minutes: number) => new Date(clock + minutes * 60_000).toISOString();
const ev = (minutes: number, type: string, data: Record<string, unknown> = {}): TimelineEvent => ({ t: at(minutes), type, ...data });
const check = (minutes: number, id: string, status: string) =>
  ev(minutes, 'rubric.check', { id, title: id, kind: 'functional', status, ms: 5, logs: [], items: [], categories: [] });

describe('scores folded from the timeline', () => {
  it('an item earns its points by the weight of its passed checks; the latest result of a check counts', () => {
    const score = computeScore(fixture, [
      ev(0, 'session.start', { mode: 'interview' }),
      check(1, 'a-healthy', 'failed'),
      check(2, 'a-healthy', 'passed'), // a later run passed: it counts
      check(2, 'b-reaches-a', 'failed'),
      check(2, 'counter', 'passed'),
      ev(3, 'rubric.end', { run: 'r1' }),
    ]);
    const items = Object.fromEntries(score.categories.flatMap((c) => c.items).map((i) => [i.id, i]));
    // alive: 3 points over a-healthy (weight 2) and b-reaches-a (weight 1)
    assert.deepEqual([items['alive']?.earned, items['alive']?.status], [2, 'partial']);
    assert.deepEqual([items['counts']?.earned, items['counts']?.status], [2, 'passed']);
    assert.deepEqual([items['slow']?.earned, items['slow']?.status], [0, 'not-run']);
    assert.equal(score.points, 4);
    assert.equal(score.runs, 1);
    assert.equal(score.rating?.rating, 'Weak');
  });

  it('manual scores take the latest note; practice hints cost points, never below zero', () => {
    const events = [
      ev(0, 'session.start', { mode: 'practice' }),
      ev(1, 'score.manual', { item: 'explains', points: 1, note: 'vague' }),
      ev(2, 'score.manual', { item: 'explains', points: 2, note: 'clear trade-offs' }),
      ev(3, 'hint.sent', { ladder: 'find-a', title: 'Where is a?', level: 'mild', text: 'x', cost: 1 }),
      ev(4, 'hint.sent', { ladder: 'find-a', title: 'Where is a?', level: 'medium', text: 'y', cost: 2 }),
    ];
    const score = computeScore(fixture, events);
    const explains = score.categories.flatMap((c) => c.items).find((i) => i.id === 'explains');
    assert.deepEqual([explains?.earned, explains?.manual?.note], [2, 'clear trade-offs']);
    assert.deepEqual([score.mode, score.points, score.hintCost, score.total], ['practice', 2, 3, 0]);
    const interview = computeScore(fixture, [ev(0, 'session.start', { mode: 'interview' }), ...events.slice(1)]);
    assert.deepEqual([interview.hintCost, interview.total], [0, 2], 'hints are free in an interview');
  });

  it('a check that did not run (a cancelled run) is never scored', () => {
    const score = computeScore(fixture, [check(1, 'counter', 'passed'), check(2, 'counter', 'not-run')]);
    const counts = score.categories.flatMap((c) => c.items).find((i) => i.id === 'counts');
    assert.deepEqual([counts?.earned, counts?.status], [2, 'passed'], 'the earlier complete result stands');
  });

  it('the manual-scoring rule: manual items only, within their points', () => {
    checkManualScore(fixture, 'explains', 2);
    const refused = (item: string, points: number) => {
      try {
        checkManualScore(fixture, item, points);
        return 'accepted';
      } catch (err) {
        return err instanceof FaultlineError ? `${err.code}: ${err.message} (${err.hint ?? ''})` : String(err);
      }
    };
    assert.equal(refused('explains', 3), 'usage: "explains" is worth at most 2 point(s), not 3 ()');
    assert.equal(refused('alive', 1), 'usage: "alive" is scored by hidden checks, not by hand (manual items: explains (max 2))');
    assert.match(refused('nope', 1), /^usage: no rubric item "nope"/);
  });
});

describe('the interview clock and practice locks', () => {
  it('the first session start starts the clock and the first phase; phase.start moves on', () => {
    assert.equal(phaseStatus(fixture, []).startedAt, null);
    const s = phaseStatus(fixture, [
      ev(0, 'session.start'),
      ev(3, 'phase.start', { phase: 'later' }),
      ev(4, 'phase.start', { phase: 'nope' }),
    ]);
    assert.equal(s.startedAt, at(0));
    assert.equal(s.endsAt, new Date(clock + fixture.durationMinutes * 60_000).toISOString());
    assert.deepEqual(
      s.phases.map((p) => [p.id, p.state, p.startedAt]),
      [
        ['only', 'done', at(0)],
        ['later', 'current', at(3)],
      ],
    );
  });

  it('a mode of a later phase is locked until that phase starts; modes no phase lists never are', () => {
    const early = phaseStatus(fixture, [ev(0, 'session.start')]);
    assert.equal(chaosLock(early, 'split'), 'chaos mode "split" unlocks in phase "Later phase" (now: "Only phase")');
    assert.equal(chaosLock(early, 'slow_a'), null);
    assert.throws(
      () => requireUnlocked(early, 'split'),
      (e: unknown) => e instanceof FaultlineError && e.code === 'usage' && /Start Next Phase/.test(e.hint ?? ''),
    );
    const later = phaseStatus(fixture, [ev(0, 'session.start'), ev(1, 'phase.start', { phase: 'later' })]);
    assert.equal(chaosLock(later, 'split'), null);
    requireUnlocked(later, 'split');
  });
});

describe('hint ladders', () => {
  it('each step says whether and when it was sent, with its cost', () => {
    const [ladder] = hintStatus(fixture, [ev(2, 'hint.sent', { ladder: 'find-a', level: 'medium' })]);
    assert.deepEqual(
      ladder?.steps.map((s) => [s.level, s.sent, s.at ?? null, s.cost]),
      [
        ['mild', false, null, 1],
        ['medium', true, at(2), 2],
        ['strong', false, null, 3],
      ],
    );
  });
});

describe('which checks a rubric run runs', () => {
  it('a stage runs its checks and every earlier stage again; no stage runs all', () => {
    const rubric = fixture.rubric;
    assert.ok(rubric);
    assert.deepEqual([...checksFor(rubric, 'one').keys()], ['a-healthy', 'b-reaches-a']);
    assert.deepEqual(
      [...checksFor(rubric).keys()],
      ['a-healthy', 'b-reaches-a', 'counter', 'slow', 'hung-service', 'runner-dies', 'under-chaos', 'db-read'],
    );
    assert.deepEqual(checksFor(rubric).get('a-healthy'), { items: ['alive'], categories: ['basics'] });
    assert.throws(() => checksFor(rubric, 'three'), /unknown stage "three"/);
  });
});

describe('what test-exercise expects', () => {
  const m: Exercise = { ...fixture, expect: { patched: { loses: { counts: 2, slow: 1 } }, starter: { atMost: 1 } } };
  const scored = (passed: string[]) =>
    computeScore(
      m,
      [...checksFor(m.rubric ?? { total: 0, categories: [], scale: [] }).keys()].map((id) =>
        check(1, id, passed.includes(id) ? 'passed' : 'failed'),
      ),
    );
  const all = ['a-healthy', 'b-reaches-a', 'counter', 'slow', 'hung-service', 'runner-dies', 'under-chaos', 'db-read'];

  it('reads expectations from the manifest, with defaults', () => {
    assert.deepEqual(expectationFor(m, 'patched'), { kind: 'loses', points: 5, loses: { counts: 2, slow: 1 } });
    assert.deepEqual(expectationFor(m, 'starter'), { kind: 'at-most', points: 1 });
    assert.deepEqual(expectationFor(m, 'reference'), { kind: 'full', points: 8 });
    assert.deepEqual(expectationFor(fixture, 'starter'), { kind: 'at-most', points: 0 }, '10% of 8, rounded down');
  });

  it('a solution must lose exactly what it declares, item by item', () => {
    assert.deepEqual(judge(m, 'patched', scored(all.filter((id) => id !== 'counter' && id !== 'slow'))).problems, []);
    assert.deepEqual(judge(m, 'patched', scored(all.filter((id) => id !== 'counter'))).problems, ['slow: loses 0 point(s), should lose 1']);
    assert.deepEqual(judge(m, 'patched', scored(all.filter((id) => !['counter', 'slow', 'db-read'].includes(id)))).problems, [
      'chaos: loses 0.25 point(s), should lose none',
    ]);
    assert.equal(judge(m, 'reference', scored(all)).ok, true);
    assert.deepEqual(judge(m, 'starter', scored(['a-healthy'])).problems, ['earns 2 automatic point(s); at most 1 expected']);
  });
});

clock = Date.parse('2026-12-01T10:00:00Z');

describe('service addresses as environment variables', () => {
  it('names each <NAME>_URL in upper case, other characters as _', () => {
    assert.deepEqual(serviceUrlEnv({ ingress: 'http://127.0.0.1:1', 'market-feed': 'http://127.0.0.1:2', broker: 'tcp://127.0.0.1:3' }), {
      INGRESS_URL: 'http://127.0.0.1:1',
      MARKET_FEED_URL: 'http://127.0.0.1:2',
      BROKER_URL: 'tcp://127.0.0.1:3',
    });
  });
});

describe("the scorecard's summary", () => {
  const card = (timeline: { t: string; type: string; [k: string]: unknown }[]): Scorecard => ({
    generatedAt: '2026-12-01T12:00:00Z',
    workspace: '/ws',
    score: {
      exercise: 'x',
      title: 'X',
      mode: 'interview',
      max: 10,
      points: 4,
      hintCost: 0,
      total: 4,
      rating: null,
      categories: [],
      hints: [],
      runs: 0,
      lastRun: null,
    },
    timeline,
    diff: null,
  });
  const fact = (c: Scorecard, label: string) => summaryFacts(c).find((f) => f.label === label)?.value;

  it('sums the time the services ran over several sessions, and names the AI policy of the last one', () => {
    const c = card([
      { t: '2026-12-01T10:00:00Z', type: 'session.start', aiAssistance: 'allowed' },
      { t: '2026-12-01T10:30:00Z', type: 'session.stop' },
      { t: '2026-12-01T11:00:00Z', type: 'session.start', aiAssistance: 'off' },
      { t: '2026-12-01T11:10:00Z', type: 'chaos.activate', mode: 'slow' },
      { t: '2026-12-01T11:15:00Z', type: 'chaos.activate', mode: 'slow' },
    ]);
    assert.equal(fact(c, 'Session length'), '45 min over 2 sessions');
    assert.equal(fact(c, 'AI assistance'), 'off (editor AI chat and completions turned off)');
    assert.equal(fact(c, 'Chaos modes'), 'slow');
    assert.equal(fact(card([]), 'AI assistance'), 'not recorded');
    assert.equal(fact(card([]), 'Session length'), undefined);
  });
});

describe("a rubric run's time", () => {
  it("labels the wall time and the sum of the checks' own times, which is larger when they ran side by side", () => {
    assert.equal(
      describeRunTime(41_900, [{ ms: 40_000 }, { ms: 39_800 }, { ms: 5, reused: true }]),
      "wall time 41.9 s; the 2 checks' own times add up to 79.8 s (checks ran side by side); 1 reused",
    );
    assert.equal(describeRunTime(1_000, [{ ms: 950 }]), "wall time 1.0 s; the check's own time is 0.9 s");
  });
});
