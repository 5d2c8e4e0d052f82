/**
 * The fault registry: every fault type, by name. Adding a fault = one module + one line here
 * (see CONTRIBUTING.md). Docs (hover, CONTRIBUTING table) and validation come from the modules.
 */
import { Value } from '@sinclair/typebox/value';
import type { FaultType } from '../types';
import { bandwidth } from './bandwidth';
import { concurrentBurst } from './concurrent_burst';
import { dbInsert, dbUpdate, seedRows } from './data';
import { down } from './down';
import { duplicateDelivery } from './duplicate_delivery';
import { hang } from './hang';
import { httpError } from './http_error';
import { latency } from './latency';
import { partition } from './partition';
import { clockSkew, crashLoop, dbLatency, kill, pause } from './process';
import { resetPeer } from './reset_peer';
import { responseLostAfterCommit } from './response_lost';

export const FAULT_TYPES: readonly FaultType[] = [
  latency,
  httpError,
  hang,
  resetPeer,
  down,
  bandwidth,
  partition,
  responseLostAfterCommit,
  dbUpdate,
  dbInsert,
  seedRows,
  concurrentBurst,
  kill,
  crashLoop,
  pause,
  dbLatency,
  clockSkew,
  duplicateDelivery,
];

const byName = new Map(FAULT_TYPES.map((f) => [f.type, f]));

export function faultType(name: string): FaultType | undefined {
  return byName.get(name);
}

export interface FaultProblem {
  /** Path below the fault object, e.g. ["params", "ms"]. */
  path: (string | number)[];
  message: string;
  /** unknown-fault-type: `type` names no registered fault; unknown-service: a service named in the params does not exist. */
  code?: 'unknown-fault-type' | 'unknown-service';
  /** The unknown name (unknown-service). */
  ref?: string;
}

/** The fault's parameters with defaults filled in (assumes `checkFault` found no problems). */
export function withDefaults(type: FaultType, params: Record<string, unknown> | undefined): Record<string, unknown> {
  return Value.Default(type.params, structuredClone(params ?? {})) as Record<string, unknown>;
}

/** Checks one manifest fault against the registry: known type, target rules, parameter types. */
export function checkFault(
  fault: { type: string; target?: string | undefined; params?: Record<string, unknown> | undefined },
  services: readonly string[],
): FaultProblem[] {
  const type = byName.get(fault.type);
  if (!type)
    return [
      {
        path: ['type'],
        message: `unknown fault type "${fault.type}"; known: ${[...byName.keys()].join(', ')}`,
        code: 'unknown-fault-type',
      },
    ];
  const problems: FaultProblem[] = [];
  if (type.target === 'required' && fault.target === undefined)
    problems.push({ path: [], message: `fault "${fault.type}" needs a "target" service` });
  if (type.target === 'none' && fault.target !== undefined)
    problems.push({ path: ['target'], message: `fault "${fault.type}" takes no "target"` });
  const params = withDefaults(type, fault.params);
  for (const e of Value.Errors(type.params, params)) {
    const segments =
      e.path === ''
        ? []
        : e.path
            .slice(1)
            .split('/')
            .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
    problems.push({
      path: ['params', ...segments],
      message: `${e.message.charAt(0).toLowerCase()}${e.message.slice(1)}${e.value === undefined ? '' : `, got ${JSON.stringify(e.value)}`}`,
    });
    if (problems.length > 10) break;
  }
  if (problems.length > 0) return problems;
  for (const ref of type.services?.(params) ?? [])
    if (!services.includes(ref.name))
      problems.push({ path: ['params', ...ref.path], message: `unknown service "${ref.name}"`, code: 'unknown-service', ref: ref.name });
  return problems;
}
