/**
 * `faultline check --changed`: a check whose inputs are what they were at the last complete run
 * keeps that result (marked reused) instead of running again. A check's inputs are the exercise
 * (every file of its package), the chaos state the run started in, the names of the candidate's
 * files (a file added or removed changes every check), and the contents of the candidate files the
 * check depends on: those its runs of the candidate's tests loaded (from coverage) when it says so,
 * else all of them. A full run stays the default.
 *
 * A check that ran the candidate's tests depends on every file except the source files those
 * tests never ran a line of (known from coverage).
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CheckResult, TimelineEvent } from '../model/interview';

/** Never part of the candidate's inputs (dependencies, data, tooling). */
const SKIP = new Set(['node_modules', '.git', 'data', '.faultline', 'dist']);

const sha = (data: string | Buffer) => crypto.createHash('sha256').update(data).digest('hex');

/** Every file under `dir` (workspace-relative, `/`-separated, sorted), without dependencies, data and tooling. */
export function candidateFiles(dir: string, skip: ReadonlySet<string> = SKIP): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (skip.has(e.name)) continue;
      const child = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(child);
      else if (e.isFile()) out.push(child);
    }
  };
  walk('');
  return out.sort();
}

/** Every candidate file under `dir` with the hash of its content. */
export function fileHashes(dir: string, skip: ReadonlySet<string> = SKIP): Map<string, string> {
  return new Map(candidateFiles(dir, skip).map((rel) => [rel, sha(fs.readFileSync(path.join(dir, rel)))]));
}

/** The hash of an exercise package (its version, in effect): every file of it. */
export function exerciseHash(exerciseDir: string): string {
  return sha(JSON.stringify([...fileHashes(exerciseDir, new Set(['node_modules', '.git']))]));
}

export interface ReuseInputs {
  exercise: string;
  /** The chaos state the run started in (the active mode and seed, or null). */
  chaos: unknown;
  /** The candidate's files and their hashes, at the start of the run. */
  files: Map<string, string>;
}

/** A check's fingerprint: its inputs, with only the files it depends on (all of them when it does not say). */
export function fingerprint(inputs: ReuseInputs, dependsOn?: readonly string[]): string {
  const names = [...inputs.files.keys()];
  const contents = (dependsOn ?? names).map((rel) => [rel, inputs.files.get(rel) ?? null]);
  return sha(JSON.stringify({ exercise: inputs.exercise, chaos: inputs.chaos ?? null, names, contents }));
}

/**
 * The results of the last complete rubric run (every check of the rubric, not cancelled), by
 * check id, those with a fingerprint only. Empty when there was none.
 */
export function lastCompleteRun(events: readonly TimelineEvent[]): Map<string, CheckResult> {
  let run: string | undefined;
  for (let i = events.length - 1; i >= 0 && run === undefined; i--) {
    const e = events[i];
    if (e?.type === 'rubric.end' && e['complete'] === true && e['aborted'] !== true) run = String(e['run']);
  }
  const out = new Map<string, CheckResult>();
  if (run === undefined) return out;
  for (const e of events) {
    if (e.type !== 'rubric.check' || e['run'] !== run || typeof e['fingerprint'] !== 'string') continue;
    const { t, type, run: _run, ...result } = e;
    void t;
    void type;
    void _run;
    out.set(String(e['id']), result as unknown as CheckResult);
  }
  return out;
}
