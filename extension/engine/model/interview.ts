/**
 * The interview's record and what is derived from it: timeline events, phases, hint ladders,
 * check results, rubric runs, scores and the scorecard. Scores are folded from the timeline
 * (rubric/score.ts); these are their shapes.
 */
import { Type, type Static } from '@sinclair/typebox';

/** One timeline event: an ISO time, a type, and the event's own fields. */
export const TimelineEventSchema = Type.Intersect([
  Type.Object({ t: Type.String({ description: 'ISO time.' }), type: Type.String() }),
  Type.Record(Type.String(), Type.Unknown()),
]);
export type TimelineEvent = Static<typeof TimelineEventSchema>;

// --- phases and hints --------------------------------------------------------------------------

export const PhaseInfoSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  minutes: Type.Number(),
  chaos: Type.Array(Type.String()),
  state: Type.Union([Type.Literal('done'), Type.Literal('current'), Type.Literal('upcoming')]),
  startedAt: Type.Union([Type.String(), Type.Null()]),
});
export type PhaseInfo = Static<typeof PhaseInfoSchema>;

export const PhaseStatusSchema = Type.Object({
  /** When the interview clock started (first session start); null before any. */
  startedAt: Type.Union([Type.String(), Type.Null()]),
  durationMinutes: Type.Number(),
  /** startedAt + durationMinutes. */
  endsAt: Type.Union([Type.String(), Type.Null()]),
  current: PhaseInfoSchema,
  phases: Type.Array(PhaseInfoSchema),
});
export type PhaseStatus = Static<typeof PhaseStatusSchema>;

export const LadderStatusSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  phase: Type.Optional(Type.String()),
  chaos: Type.Optional(Type.String()),
  steps: Type.Array(
    Type.Object({
      level: Type.String(),
      text: Type.String(),
      cost: Type.Number(),
      sent: Type.Boolean(),
      at: Type.Optional(Type.String()),
    }),
  ),
});
export type LadderStatus = Static<typeof LadderStatusSchema>;

export const HintUseSchema = Type.Object({
  ladder: Type.String(),
  title: Type.String(),
  level: Type.String(),
  text: Type.String(),
  at: Type.String(),
  cost: Type.Number(),
});
export type HintUse = Static<typeof HintUseSchema>;

// --- hidden checks ------------------------------------------------------------------------------

export const CheckKindSchema = Type.Union([
  Type.Literal('functional'),
  Type.Literal('performance'),
  Type.Literal('concurrency'),
  Type.Literal('chaos'),
  Type.Literal('mutation'),
]);
export type CheckKind = Static<typeof CheckKindSchema>;

/**
 * passed/failed/error/timeout: the check ran. not-run: it did not (the run was cancelled before
 * or while it ran): never scored, never replaces an earlier result.
 */
export const CheckStatusSchema = Type.Union([
  Type.Literal('passed'),
  Type.Literal('failed'),
  Type.Literal('error'),
  Type.Literal('timeout'),
  Type.Literal('not-run'),
]);
export type CheckStatus = Static<typeof CheckStatusSchema>;

/** What the check runner reports for one check (the harness side). */
export const CheckOutcomeSchema = Type.Object({
  id: Type.String(),
  status: CheckStatusSchema,
  ms: Type.Number(),
  message: Type.Optional(Type.String()),
  expected: Type.Optional(Type.Unknown()),
  actual: Type.Optional(Type.Unknown()),
  /** What the check logged. */
  logs: Type.Array(Type.String()),
  /**
   * The candidate's files (workspace-relative) the result depends on, when the check knows them
   * (the files its runs of the candidate's tests loaded, from coverage); absent: every file.
   */
  inputs: Type.Optional(Type.Array(Type.String())),
});
export type CheckOutcome = Static<typeof CheckOutcomeSchema>;

/** One check's result as the rubric records it: the outcome plus what it scores. */
export const CheckResultSchema = Type.Composite([
  CheckOutcomeSchema,
  Type.Object({
    title: Type.String(),
    kind: Type.Union([CheckKindSchema, Type.Literal('unknown')]),
    /** Service log lines while the check ran (failures only). */
    serviceLogs: Type.Optional(Type.Array(Type.String())),
    /** Rubric items (and their categories) the check scores. */
    items: Type.Array(Type.String()),
    categories: Type.Array(Type.String()),
    /** A hash of the check's inputs: the exercise, the chaos state and the candidate files it depends on. */
    fingerprint: Type.Optional(Type.String()),
    /** Taken from the last complete run (`check --changed`): its inputs have not changed since. */
    reused: Type.Optional(Type.Boolean()),
  }),
]);
export type CheckResult = Static<typeof CheckResultSchema>;

export const RubricEventSchema = Type.Union([
  Type.Object({
    type: Type.Literal('start'),
    run: Type.String(),
    stage: Type.Union([Type.String(), Type.Null()]),
    checks: Type.Array(
      Type.Object({
        id: Type.String(),
        title: Type.String(),
        kind: Type.String(),
        items: Type.Array(Type.String()),
        categories: Type.Array(Type.String()),
      }),
    ),
  }),
  Type.Object({ type: Type.Literal('check-start'), run: Type.String(), id: Type.String() }),
  Type.Object({ type: Type.Literal('check'), run: Type.String(), result: CheckResultSchema }),
  Type.Object({
    type: Type.Literal('end'),
    run: Type.String(),
    passed: Type.Integer(),
    failed: Type.Integer(),
    aborted: Type.Boolean(),
    ms: Type.Number(),
  }),
]);
export type RubricEvent = Static<typeof RubricEventSchema>;

/** The candidate's own test suite, run once (mutation checks, `faultline test-exercise`). */
export const CandidateTestRunSchema = Type.Object({
  passed: Type.Integer(),
  failed: Type.Integer(),
  todo: Type.Integer(),
  /** Names of the failed tests (not suites). */
  failures: Type.Array(Type.String()),
  /** The end of the runner's output. */
  output: Type.String(),
  /** Set when the run was skipped because no test runs the changed code (a mutant that survives at once). */
  uncovered: Type.Optional(Type.String()),
});
export type CandidateTestRun = Static<typeof CandidateTestRunSchema>;

/** One run of a candidate's program (`t.candidateProgram`). */
export const ProgramRunSchema = Type.Object({
  /** Exit code, or null when killed (a timeout). */
  code: Type.Union([Type.Integer(), Type.Null()]),
  signal: Type.Union([Type.String(), Type.Null()]),
  timedOut: Type.Boolean(),
  stdout: Type.String(),
  stderr: Type.String(),
  ms: Type.Number(),
  /** The files it wrote into `{out}`, by name. */
  outputs: Type.Record(Type.String(), Type.String()),
});
export type ProgramRun = Static<typeof ProgramRunSchema>;

// --- scores -----------------------------------------------------------------------------------

export const CheckEvidenceSchema = Type.Composite([CheckResultSchema, Type.Object({ at: Type.String(), weight: Type.Number() })]);
export type CheckEvidence = Static<typeof CheckEvidenceSchema>;

export const ItemScoreSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  kind: Type.Union([Type.Literal('auto'), Type.Literal('manual')]),
  max: Type.Number(),
  earned: Type.Number(),
  /** auto: passed / partial / failed / not-run; manual: scored / unscored. */
  status: Type.Union([
    Type.Literal('passed'),
    Type.Literal('partial'),
    Type.Literal('failed'),
    Type.Literal('not-run'),
    Type.Literal('scored'),
    Type.Literal('unscored'),
  ]),
  stage: Type.Optional(Type.String()),
  checks: Type.Array(CheckEvidenceSchema),
  criteria: Type.Optional(Type.String()),
  signals: Type.Optional(Type.Object({ strong: Type.Optional(Type.Array(Type.String())), weak: Type.Optional(Type.Array(Type.String())) })),
  manual: Type.Optional(Type.Object({ points: Type.Number(), note: Type.String(), at: Type.String() })),
});
export type ItemScore = Static<typeof ItemScoreSchema>;

export const CategoryScoreSchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  max: Type.Number(),
  earned: Type.Number(),
  items: Type.Array(ItemScoreSchema),
});
export type CategoryScore = Static<typeof CategoryScoreSchema>;

export const ScoreSchema = Type.Object({
  exercise: Type.String(),
  title: Type.String(),
  mode: Type.Union([Type.Literal('interview'), Type.Literal('practice')]),
  max: Type.Number(),
  /** Points from items, before hint costs. */
  points: Type.Number(),
  hintCost: Type.Number(),
  /** Points minus hint costs (practice), never below 0. */
  total: Type.Number(),
  rating: Type.Union([Type.Object({ rating: Type.String(), description: Type.Optional(Type.String()) }), Type.Null()]),
  categories: Type.Array(CategoryScoreSchema),
  hints: Type.Array(HintUseSchema),
  runs: Type.Integer(),
  lastRun: Type.Union([Type.String(), Type.Null()]),
});
export type Score = Static<typeof ScoreSchema>;

// --- the candidate's change and the scorecard -----------------------------------------------

export const CandidateDiffSchema = Type.Object({
  baseline: Type.String(),
  files: Type.Array(Type.Object({ path: Type.String(), added: Type.Integer(), removed: Type.Integer() })),
  added: Type.Integer(),
  removed: Type.Integer(),
  patch: Type.String(),
  truncated: Type.Boolean(),
});
export type CandidateDiff = Static<typeof CandidateDiffSchema>;

export const ScorecardSchema = Type.Object({
  generatedAt: Type.String(),
  workspace: Type.String(),
  score: ScoreSchema,
  timeline: Type.Array(TimelineEventSchema),
  diff: Type.Union([CandidateDiffSchema, Type.Null()]),
});
export type Scorecard = Static<typeof ScorecardSchema>;
