/**
 * What the candidate portal shows (engine → the candidate's browser). Every
 * route is public: the portal serves only candidate-safe data (built by `portal/view.ts`, the one
 * place that decides what a candidate may see) and needs no token. The server is
 * `portal/server.ts`; the page is `media/portal/`.
 *
 *   GET /              the page (index.html), GET /portal.css, GET /portal.js
 *   GET /api/view      the PortalView below, as JSON
 *   WS  /ws            PortalMessage: a `view` on connect and whenever it changes; a `hint` when one is sent;
 *                      `logs`: the recent output of the exercise's services on connect, then as it comes
 *
 * Every schema is closed (`additionalProperties: false`), so a test can prove the view carries
 * nothing but these fields.
 */
import { Type, type Static } from '@sinclair/typebox';

const Closed = { additionalProperties: false } as const;

export const PortalServiceSchema = Type.Object(
  {
    name: Type.String(),
    title: Type.String(),
    /** The service's public address (through the fault proxy), never an internal edge or instance URL. */
    url: Type.String(),
    state: Type.Union([Type.Literal('up'), Type.Literal('starting'), Type.Literal('stuck'), Type.Literal('down')], {
      description:
        'up: every instance healthy; starting: (re)starting after a crash; stuck: running but not responding (a busy loop, a breakpoint); down: failed or stopped.',
    }),
  },
  Closed,
);

export const PortalHintSchema = Type.Object(
  {
    title: Type.String(),
    level: Type.String({ description: 'mild, medium or strong' }),
    /** The hint as Markdown source. */
    text: Type.String(),
    /** The same, rendered by the portal's escaping Markdown renderer (safe to insert as HTML). */
    html: Type.String(),
    /** ISO time it was sent. */
    at: Type.String(),
  },
  Closed,
);

export const PortalViewSchema = Type.Object(
  {
    exercise: Type.Object({ id: Type.String(), title: Type.String(), summary: Type.String() }, Closed),
    brief: Type.Object(
      {
        /** Path of the brief relative to the workspace (e.g. README.md). */
        path: Type.String(),
        /** Markdown source, or a placeholder when the file is missing or unreadable. */
        markdown: Type.String(),
        /** Rendered by the escaping Markdown renderer (safe to insert as HTML). */
        html: Type.String(),
        missing: Type.Boolean(),
      },
      Closed,
    ),
    services: Type.Array(PortalServiceSchema),
    /** Hints the candidate was sent, oldest first. Unsent hints never appear. */
    hints: Type.Array(PortalHintSchema),
    clock: Type.Object(
      {
        startedAt: Type.Union([Type.String(), Type.Null()]),
        endsAt: Type.Union([Type.String(), Type.Null()]),
        durationMinutes: Type.Number(),
        /** The current phase: its title and position only (goals and evaluation notes are interviewer text). */
        phase: Type.Object({ title: Type.String(), index: Type.Integer(), count: Type.Integer() }, Closed),
      },
      Closed,
    ),
    mode: Type.Union([Type.Literal('interview'), Type.Literal('practice')]),
    /** Server time (ISO) when the view was built: the page corrects its countdown for clock skew with it. */
    now: Type.String(),
  },
  Closed,
);

/** One line a service of the exercise printed (stdout/stderr only: never Faultline's own lines). */
export const PortalLogLineSchema = Type.Object(
  {
    /** Epoch milliseconds. */
    t: Type.Number(),
    service: Type.String(),
    level: Type.String({ description: 'trace, debug, info, warn, error or fatal' }),
    text: Type.String(),
  },
  Closed,
);

export const PortalMessageSchema = Type.Union([
  Type.Object({ type: Type.Literal('view'), view: PortalViewSchema }, Closed),
  Type.Object({ type: Type.Literal('hint'), hint: PortalHintSchema }, Closed),
  Type.Object(
    {
      type: Type.Literal('logs'),
      lines: Type.Array(PortalLogLineSchema),
      /** Lines left out of this batch because too many came at once. */
      skipped: Type.Integer({ minimum: 0 }),
    },
    Closed,
  ),
]);

export type PortalView = Static<typeof PortalViewSchema>;
export type PortalService = Static<typeof PortalServiceSchema>;
export type PortalHint = Static<typeof PortalHintSchema>;
export type PortalMessage = Static<typeof PortalMessageSchema>;
export type PortalLogLine = Static<typeof PortalLogLineSchema>;
