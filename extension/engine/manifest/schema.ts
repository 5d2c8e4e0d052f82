/**
 * The exercise manifest (`workspaces/<id>/exercise.json`), declared once.
 *
 * The TypeBox declarations below are JSON Schema objects *and* TypeScript types:
 * the engine validates manifests against them, `npm run build` writes them to
 * `schemas/exercise.schema.json` for editors, and the types are derived with `Static`.
 * Descriptions are user-facing (hover text in the manifest editor), so keep them precise.
 */
import { FaultlineError } from '../errors';
import { Type, type Static, type TSchema } from '@sinclair/typebox';

const Id = (description: string) => Type.String({ pattern: '^[a-z][a-z0-9_-]*$', maxLength: 64, description });

const RelativePath = (description: string) =>
  Type.String({ minLength: 1, pattern: '^(?![/\\\\])(?!.*(^|[/\\\\])\\.\\.([/\\\\]|$)).+$', description });

const SOLUTION_NAME = '^[a-z][a-z0-9_-]*$';

const Markdown = (description: string) => Type.String({ minLength: 1, description });

export const HealthCheck = Type.Object(
  {
    path: Type.String({ pattern: '^/', description: 'HTTP path that answers 2xx when the service is ready, e.g. "/health".' }),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 50, maximum: 60_000, default: 1000, description: 'Timeout of one probe request.' })),
    startupTimeoutMs: Type.Optional(
      Type.Integer({
        minimum: 500,
        maximum: 300_000,
        default: 30_000,
        description: 'How long a starting service may take to become healthy before start-up fails.',
      }),
    ),
  },
  { additionalProperties: false, description: 'Readiness probe used at start-up and by `faultline status`.' },
);

export const ServiceRole = Type.Union([Type.Literal('candidate'), Type.Literal('bundled')], {
  description:
    '"candidate": code in the candidate workspace (entry is a path in the workspace). ' +
    '"bundled": a Faultline infrastructure server (entry is the name of a bundle in servers/).',
});

export const Service = Type.Object(
  {
    name: Id('Service name, unique in the exercise; used in logs, URLs and templates (${services.<name>.url}).'),
    title: Type.Optional(Type.String({ description: 'Human-readable name shown in views.' })),
    role: ServiceRole,
    entry: Type.String({ minLength: 1, description: 'Entry file (candidate) or bundled server name (bundled).' }),
    cwd: Type.Optional(RelativePath('Working directory relative to the workspace (default: the workspace root).')),
    nodeArgs: Type.Optional(Type.Array(Type.String(), { description: 'Extra Node.js arguments, e.g. ["-r", "sucrase/register/ts"].' })),
    args: Type.Optional(Type.Array(Type.String(), { description: 'Arguments passed to the entry.' })),
    env: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String(), {
        description:
          'Environment variables. Values may use ${workspace}, ${session}, ${exercise}, ' +
          '${services.<name>.url}, ${services.<name>.port}, ${services.<name>.urls} (comma-separated replicas) ' +
          'for services listed in dependsOn.',
      }),
    ),
    health: HealthCheck,
    dependsOn: Type.Optional(
      Type.Array(Id('Name of another service of this exercise.'), {
        uniqueItems: true,
        description: 'Services that must be healthy before this one starts.',
      }),
    ),
    port: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 65_535,
        default: 0,
        description: 'Port to listen on (passed as PORT). 0 lets the OS choose; the supervisor reports the real port.',
      }),
    ),
    replicas: Type.Optional(Type.Integer({ minimum: 1, maximum: 8, default: 1, description: 'Number of identical processes to run.' })),
    protocol: Type.Optional(
      Type.Union([Type.Literal('http'), Type.Literal('tcp')], {
        default: 'http',
        description:
          'What clients speak to this service, which decides the fault proxy listeners in front of it (public and every dependency edge). ' +
          '"http": faults per request, metrics per route. "tcp": bytes pass through unchanged (MQTT, a database protocol…); ' +
          'the network faults latency, down, reset_peer, bandwidth and partition act per connection and per chunk, metrics count ' +
          'connections and bytes, and ${services.<name>.url} is tcp://127.0.0.1:<port>. The health path is still probed over HTTP ' +
          "on the service's own port (servers/broker tells the two apart by the first byte).",
      }),
    ),
    database: Type.Optional(
      Type.Object(
        {
          path: RelativePath('SQLite file of this service, relative to the workspace (passed as DATABASE_PATH), under "data/".'),
        },
        { additionalProperties: false },
      ),
    ),
    sandbox: Type.Optional(
      Type.Object(
        {
          childProcess: Type.Optional(
            Type.Boolean({ description: 'Let the service start child processes (they run with its permissions).' }),
          ),
          worker: Type.Optional(Type.Boolean({ description: 'Let the service start worker threads.' })),
          read: Type.Optional(Type.Array(RelativePath('A workspace path it may read besides the workspace (rarely needed).'))),
          write: Type.Optional(Type.Array(RelativePath('A workspace path it may write besides "data/".'))),
        },
        {
          additionalProperties: false,
          description:
            'Widens the sandbox candidate services run in (by default: read the workspace, write "data/", no child processes, no workers). ' +
            'Shown to the interviewer when the session starts. Bundled services are not sandboxed.',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const Phase = Type.Object(
  {
    id: Id('Phase id.'),
    title: Type.String({ minLength: 1 }),
    minutes: Type.Integer({ minimum: 1, maximum: 240, description: 'Suggested length of the phase.' }),
    goal: Markdown('What the candidate works on and when the phase is complete.'),
    evaluate: Type.Optional(Type.Array(Type.String(), { description: 'What the interviewer evaluates in this phase.' })),
    chaos: Type.Optional(Type.Array(Id('Chaos mode id.'), { uniqueItems: true, description: 'Chaos modes that belong to this phase.' })),
  },
  { additionalProperties: false },
);

/** One fault of a chaos mode. Its parameters are validated by the fault registry. */
export const FaultSpec = Type.Object(
  {
    type: Type.String({ minLength: 1, description: 'Fault type from the registry, e.g. "latency" or "http_error".' }),
    target: Type.Optional(Type.String({ description: 'Service the fault applies to.' })),
    probability: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, default: 1, description: 'Chance that the fault applies to one request/event.' }),
    ),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Fault parameters.' })),
  },
  { additionalProperties: false },
);

export const ChaosMode = Type.Object(
  {
    id: Id('Chaos mode id, e.g. "chaos_data".'),
    title: Type.String({ minLength: 1 }),
    description: Markdown('What the mode does (interviewer-facing).'),
    prompt: Markdown('What the interviewer says to the candidate when activating it.'),
    demo: Type.Optional(Type.Array(Type.String(), { description: 'Demo steps for the interviewer.' })),
    evaluate: Type.Optional(Type.Array(Type.String(), { description: 'What the interviewer evaluates in this mode.' })),
    difficulty: Type.Optional(Type.String({ description: 'e.g. "intermediate"; shown by the scenario endpoints.' })),
    challenges: Type.Optional(
      Type.Array(Type.String(), { description: 'Questions for the candidate; shown by the scenario endpoints (candidate-safe).' }),
    ),
    faults: Type.Array(FaultSpec, { description: 'Faults applied together when the mode is active.' }),
  },
  { additionalProperties: false },
);

export const HintStep = Type.Object(
  {
    level: Type.Union([Type.Literal('mild'), Type.Literal('medium'), Type.Literal('strong')]),
    text: Markdown('The hint as the candidate will read it.'),
    cost: Type.Optional(Type.Number({ minimum: 0, description: 'Points deducted in practice mode.' })),
  },
  { additionalProperties: false },
);

export const HintLadder = Type.Object(
  {
    id: Id('Hint ladder id.'),
    title: Type.String({ minLength: 1, description: 'The issue this ladder helps with.' }),
    phase: Type.Optional(Id('Phase the ladder belongs to.')),
    chaos: Type.Optional(Id('Chaos mode the ladder belongs to.')),
    ladder: Type.Array(HintStep, { minItems: 1, maxItems: 3, description: 'mild → medium → strong.' }),
  },
  { additionalProperties: false },
);

export const CheckRef = Type.Object(
  {
    check: Type.String({
      minLength: 1,
      description: 'Id of a hidden check (declared with check("<id>", …) in the interviewer checks folder).',
    }),
    weight: Type.Optional(Type.Number({ exclusiveMinimum: 0, default: 1, description: "Share of the item's points this check carries." })),
  },
  { additionalProperties: false },
);

export const RubricItem = Type.Object(
  {
    id: Id('Rubric item id, unique in the rubric.'),
    title: Type.String({ minLength: 1 }),
    points: Type.Number({ minimum: 0 }),
    kind: Type.Union([Type.Literal('auto'), Type.Literal('manual')], {
      description: '"auto": scored by hidden checks; "manual": scored by the interviewer with a note.',
    }),
    check: Type.Optional(Type.String({ description: 'Hidden check id (auto items with a single check).' })),
    checks: Type.Optional(
      Type.Array(CheckRef, {
        minItems: 1,
        description: 'Several hidden checks, each carrying a weighted share of the points (auto items).',
      }),
    ),
    criteria: Type.Optional(Markdown('Scoring criteria (manual items).')),
    signals: Type.Optional(
      Type.Object(
        {
          strong: Type.Optional(Type.Array(Type.String(), { description: 'Signals of a strong candidate.' })),
          weak: Type.Optional(Type.Array(Type.String(), { description: 'Signals of a weak candidate.' })),
        },
        { additionalProperties: false },
      ),
    ),
    stage: Type.Optional(Id('Stage in which the item is scored; later runs re-run earlier stages as regressions.')),
  },
  { additionalProperties: false },
);

export const RubricCategory = Type.Object(
  {
    id: Id('Category id.'),
    title: Type.String({ minLength: 1 }),
    points: Type.Number({ minimum: 0 }),
    items: Type.Array(RubricItem),
  },
  { additionalProperties: false },
);

export const RatingBand = Type.Object(
  {
    min: Type.Number(),
    max: Type.Number(),
    rating: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const Rubric = Type.Object(
  {
    total: Type.Number({ minimum: 0, description: 'Sum of the category points.' }),
    stages: Type.Optional(
      Type.Array(Type.Object({ id: Id('Stage id.'), title: Type.String({ minLength: 1 }) }, { additionalProperties: false }), {
        description: 'Ordered stages (e.g. one per phase); running a stage also re-runs the earlier ones.',
      }),
    ),
    categories: Type.Array(RubricCategory),
    scale: Type.Array(RatingBand, { description: 'Rating bands by total score, e.g. 17–20 "Strong Hire".' }),
  },
  { additionalProperties: false },
);

export const Exercise = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: Id('Exercise id; must equal the folder name.'),
    title: Type.String({ minLength: 1 }),
    summary: Type.String({ minLength: 1, description: 'One or two sentences shown in pickers.' }),
    level: Type.Union([Type.Literal('junior'), Type.Literal('mid'), Type.Literal('senior'), Type.Literal('staff')]),
    durationMinutes: Type.Integer({ minimum: 5, maximum: 480, description: 'Planned length of the interview.' }),
    aiAssistance: Type.Optional(
      Type.Union([Type.Literal('allowed'), Type.Literal('off')], {
        default: 'allowed',
        description:
          'The default AI-assistance policy of an interview (the interviewer can change it at New Interview or with `faultline new --ai`). ' +
          '"off" writes workspace settings that turn off the editor\'s built-in AI chat, agents and inline completions; the scorecard shows the policy.',
      }),
    ),
    tags: Type.Optional(Type.Array(Type.String(), { uniqueItems: true })),
    runtime: Type.Optional(
      Type.Object(
        {
          node: Type.Integer({
            minimum: 18,
            description: 'Minimum Node.js major version the services need (e.g. 22 for better-sqlite3 13).',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    starter: RelativePath('Folder copied into the candidate workspace.'),
    brief: RelativePath('Candidate brief, relative to the starter folder.'),
    services: Type.Array(Service, { minItems: 1 }),
    phases: Type.Array(Phase, { minItems: 1 }),
    chaos: Type.Array(ChaosMode),
    hints: Type.Array(HintLadder),
    rubric: Type.Optional(Rubric),
    scenarioEndpoints: Type.Optional(
      Type.Object(
        {
          service: Type.String({ description: 'Service whose address serves the endpoints (answered by the fault proxy).' }),
          current: Type.String({ pattern: '^/', default: '/scenario', description: 'Path reporting the active chaos mode.' }),
          list: Type.String({ pattern: '^/', default: '/scenarios', description: 'Path listing the chaos modes.' }),
        },
        {
          additionalProperties: false,
          description:
            'Serve the active and available chaos modes (id, title, description, difficulty, challenges) on the service address.',
        },
      ),
    ),
    solutions: Type.Record(
      Type.String({ pattern: SOLUTION_NAME }),
      Type.Union([
        RelativePath('Overlay folder.'),
        Type.Object(
          {
            path: RelativePath('Overlay folder: only the files that differ from the solution it extends.'),
            extends: Type.String({ pattern: SOLUTION_NAME, description: 'Another solution, applied first.' }),
            remove: Type.Optional(
              Type.Array(
                RelativePath(
                  'A file (workspace-relative) of the solution it extends that this one does not have, removed after that solution is applied.',
                ),
                { minItems: 1, uniqueItems: true },
              ),
            ),
          },
          { additionalProperties: false },
        ),
      ]),
      {
        description:
          'Named solution overlays, e.g. {"reference": "solutions/reference", "naive": {"path": "solutions/naive", "extends": "reference"}}. ' +
          'Interviewer material. `faultline test-exercise <id>` scaffolds and scores each one (see `expect`).',
      },
    ),
    expect: Type.Optional(
      Type.Record(
        Type.String({ pattern: SOLUTION_NAME }),
        Type.Object(
          {
            loses: Type.Optional(
              Type.Record(Type.String(), Type.Number({ minimum: 0 }), {
                description: 'Automatic points this variant loses, per rubric item; every item not listed must earn all its points.',
              }),
            ),
            atMost: Type.Optional(
              Type.Number({ minimum: 0, description: 'The most automatic points it may earn (for the starter: how close to zero).' }),
            ),
          },
          { additionalProperties: false },
        ),
        {
          description:
            'What `faultline test-exercise` expects of each variant ("starter" or a solution name). The reference earns every ' +
            'automatic point; a solution not listed too; the starter at most 10% of them unless "atMost" says otherwise.',
        },
      ),
    ),
    interviewer: Type.Object(
      {
        guide: Type.Optional(RelativePath('Interviewer guide (Markdown).')),
        checks: Type.Optional(RelativePath('Folder with hidden rubric checks.')),
      },
      { additionalProperties: false, description: 'Interviewer-only material; never copied to the candidate.' },
    ),
  },
  { additionalProperties: false },
);

export type Exercise = Static<typeof Exercise>;
export type Service = Static<typeof Service>;
export type Phase = Static<typeof Phase>;
export type ChaosMode = Static<typeof ChaosMode>;
export type FaultSpec = Static<typeof FaultSpec>;
export type HintLadder = Static<typeof HintLadder>;
export type Rubric = Static<typeof Rubric>;

/** The manifest schema as a standalone JSON Schema document (written to schemas/exercise.schema.json). */
export function exerciseJsonSchema(): Record<string, unknown> {
  const strip = (schema: TSchema): unknown => JSON.parse(JSON.stringify(schema));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://faultline.dev/schemas/exercise.schema.json',
    title: 'Faultline exercise manifest',
    ...(strip(Exercise) as Record<string, unknown>),
  };
}

/** One step of applying a solution: files removed (from what earlier steps applied), then an overlay folder copied. */
export interface SolutionLayer {
  /** Overlay folder, relative to the exercise. */
  path: string;
  /** Workspace-relative files to delete before copying `path` (the `remove` of the solution). */
  remove: string[];
}

/**
 * The layers of a solution, applied in this order (what it extends first). Throws a clear error
 * for an unknown solution or a cycle of `extends`.
 */
export function solutionLayers(m: Pick<Exercise, 'id' | 'solutions'>, name: string): SolutionLayer[] {
  const layers: SolutionLayer[] = [];
  const seen: string[] = [];
  for (let at: string | undefined = name; at !== undefined;) {
    const entry: Exercise['solutions'][string] | undefined = m.solutions[at];
    if (entry === undefined) {
      const known = Object.keys(m.solutions).join(', ') || '(none)';
      const what =
        seen.length === 0
          ? `exercise "${m.id}" has no solution "${at}"`
          : `solution "${seen[seen.length - 1]}" extends an unknown solution "${at}"`;
      throw new FaultlineError('usage', what, `available solutions: ${known}`);
    }
    if (seen.includes(at))
      throw new FaultlineError('invalid-manifest', `solutions extend each other in a cycle: ${[...seen, at].join(' → ')}`);
    seen.push(at);
    layers.unshift(typeof entry === 'string' ? { path: entry, remove: [] } : { path: entry.path, remove: entry.remove ?? [] });
    at = typeof entry === 'string' ? undefined : entry.extends;
  }
  return layers;
}
