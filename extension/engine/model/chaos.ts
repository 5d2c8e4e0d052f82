/** What the chaos engine reports: an activation, a reset, the status of every mode. */
import { Type, type Static } from '@sinclair/typebox';

const Target = Type.Union([Type.String(), Type.Null()]);

export const FaultRefSchema = Type.Object({ type: Type.String(), target: Target });
export type FaultRef = Static<typeof FaultRefSchema>;

export const ActivationReportSchema = Type.Object({
  mode: Type.String(),
  title: Type.String(),
  seed: Type.Integer(),
  ms: Type.Number(),
  faults: Type.Array(Type.Object({ type: Type.String(), target: Target, summary: Type.String() })),
  replaced: Type.Union([Type.String(), Type.Null()]),
});
export type ActivationReport = Static<typeof ActivationReportSchema>;

export const ResetReportSchema = Type.Object({
  mode: Type.Union([Type.String(), Type.Null()]),
  ms: Type.Number(),
  reverted: Type.Array(FaultRefSchema),
  failed: Type.Array(Type.Object({ type: Type.String(), target: Target, error: Type.String() })),
  health: Type.Array(Type.Object({ service: Type.String(), ok: Type.Boolean(), detail: Type.String() })),
});
export type ResetReport = Static<typeof ResetReportSchema>;

export const ChaosStatusSchema = Type.Object({
  active: Type.Union([
    Type.Object({
      mode: Type.String(),
      title: Type.String(),
      seed: Type.Integer(),
      since: Type.String(),
      faults: Type.Array(FaultRefSchema),
    }),
    Type.Null(),
  ]),
  modes: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Type.String(),
      description: Type.String(),
      active: Type.Boolean(),
      locked: Type.Optional(Type.String({ description: 'Why the mode cannot be activated yet (practice: a later phase).' })),
    }),
  ),
});
export type ChaosStatus = Static<typeof ChaosStatusSchema>;
