/**
 * The interviewer-only corpus of an exercise: distinctive strings that must never reach a
 * candidate (their workspace, the candidate portal, the services' own answers). Used by
 * test/integration/leaks.test.ts and reusable by any candidate-facing surface test (e.g. the
 * VS Code guest view): `interviewerCorpus(dir)`, then `findLeaks(text, corpus.entries)`.
 *
 * What counts as interviewer material: the guide, the hidden check files (contents and names),
 * every solution overlay file, rubric item titles, criteria and signals, rating descriptions,
 * every hint (text and ladder title: all are unsent when a session starts), phase goals and
 * evaluation notes, chaos demo steps and evaluation notes.
 *
 * Not counted (candidate-safe by design): the starter (including the brief), the exercise's
 * title and summary, phase and service names and titles, and each chaos mode's title,
 * description, challenges and difficulty (served by the exercise's /scenario endpoints) and its
 * prompt (said aloud to the candidate). A string is "distinctive" if it is long enough to be
 * unmistakable — trimmed file lines of ≥ 25 characters, manifest texts of ≥ 20 — has some
 * words in it, and does not occur in any of that candidate-safe text.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Exercise } from '../../extension/engine/manifest/schema';
import { repoRoot } from './index';

export interface CorpusEntry {
  text: string;
  /** Where it comes from, e.g. `guide interviewer/GUIDE.md:12` or `hint chaos-race/mild`. */
  source: string;
  /** Set for hint entries: the ladder and level it belongs to (the level is absent for ladder titles). */
  hint?: { ladder: string; level?: string };
}

export interface InterviewerCorpus {
  exercise: string;
  dir: string;
  manifest: Exercise;
  entries: CorpusEntry[];
  /** Base names of the hidden check files (none of them may exist in a candidate workspace). */
  checkFileNames: string[];
}

const MIN_LINE = 25;
const MIN_FIELD = 20;

/** Exercise folders shipped with Faultline (`workspaces/<id>/exercise.json`). */
export function shippedExercises(root = path.join(repoRoot, 'workspaces')): string[] {
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(root, e.name, 'exercise.json')))
    .map((e) => path.join(root, e.name))
    .sort();
}

/** Every file below `dir` (node_modules skipped), as paths relative to `dir`. */
export function filesBelow(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  if (fs.statSync(dir).isFile()) return [''];
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (entry.name === 'node_modules') continue;
      const child = path.join(rel, entry.name);
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  walk('');
  return out.sort();
}

function readText(file: string): string {
  const data = fs.readFileSync(file);
  return data.includes(0) ? '' : data.toString('utf8');
}

export function interviewerCorpus(exerciseDir: string): InterviewerCorpus {
  const manifest = JSON.parse(fs.readFileSync(path.join(exerciseDir, 'exercise.json'), 'utf8')) as Exercise;
  const starterDir = path.join(exerciseDir, manifest.starter);
  const starterFiles = filesBelow(starterDir);
  const safe = [
    ...starterFiles.map((f) => readText(path.join(starterDir, f))),
    manifest.title,
    manifest.summary,
    ...manifest.phases.map((p) => p.title),
    ...manifest.services.flatMap((s) => [s.name, s.title ?? '']),
    ...manifest.chaos.flatMap((c) => [c.id, c.title, c.description, c.prompt, c.difficulty ?? '', ...(c.challenges ?? [])]),
  ].join('\n\u0000\n');
  const starterNames = new Set(starterFiles.map((f) => path.basename(f)));

  const entries: CorpusEntry[] = [];
  const seen = new Set<string>();
  const add = (text: string, source: string, min: number, hint?: CorpusEntry['hint']) => {
    const t = text.trim();
    if (t.length < min || !/[A-Za-z]{3}/.test(t) || safe.includes(t)) return;
    const key = `${t}\u0000${hint ? `${hint.ladder}/${hint.level ?? ''}` : ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    entries.push({ text: t, source, ...(hint ? { hint } : {}) });
  };
  const addLines = (text: string, source: string, hint?: CorpusEntry['hint']) =>
    text.split(/\r?\n/).forEach((line, i) => add(line, `${source}:${i + 1}`, MIN_LINE, hint));
  const addFiles = (dir: string, label: string) => {
    for (const f of filesBelow(dir)) {
      const file = f === '' ? dir : path.join(dir, f);
      addLines(readText(file), `${label} ${path.relative(exerciseDir, file)}`);
    }
  };

  const { guide, checks } = manifest.interviewer;
  if (guide) addFiles(path.join(exerciseDir, guide), 'guide');
  const checkFileNames: string[] = [];
  if (checks) {
    addFiles(path.join(exerciseDir, checks), 'check');
    for (const f of filesBelow(path.join(exerciseDir, checks))) {
      const name = path.basename(f);
      if (!starterNames.has(name)) checkFileNames.push(name);
    }
  }
  for (const [name, entry] of Object.entries(manifest.solutions))
    addFiles(path.join(exerciseDir, typeof entry === 'string' ? entry : entry.path), `solution ${name}`);

  for (const c of manifest.rubric?.categories ?? []) {
    for (const item of c.items) {
      add(item.title, `rubric ${item.id} title`, MIN_FIELD);
      if (item.criteria) addLines(item.criteria, `rubric ${item.id} criteria`);
      if (item.criteria) add(item.criteria, `rubric ${item.id} criteria`, MIN_FIELD);
      for (const s of [...(item.signals?.strong ?? []), ...(item.signals?.weak ?? [])]) add(s, `rubric ${item.id} signal`, MIN_FIELD);
    }
  }
  for (const band of manifest.rubric?.scale ?? []) if (band.description) add(band.description, `rating ${band.rating}`, MIN_FIELD);
  for (const h of manifest.hints) {
    add(h.title, `hint ${h.id} title`, MIN_FIELD, { ladder: h.id });
    for (const step of h.ladder) {
      const hint = { ladder: h.id, level: step.level };
      add(step.text, `hint ${h.id}/${step.level}`, MIN_FIELD, hint);
      addLines(step.text, `hint ${h.id}/${step.level}`, hint);
    }
  }
  for (const p of manifest.phases) {
    add(p.goal, `phase ${p.id} goal`, MIN_FIELD);
    addLines(p.goal, `phase ${p.id} goal`);
    for (const e of p.evaluate ?? []) add(e, `phase ${p.id} evaluate`, MIN_FIELD);
  }
  for (const c of manifest.chaos) {
    for (const d of c.demo ?? []) add(d, `chaos ${c.id} demo`, MIN_FIELD);
    for (const e of c.evaluate ?? []) add(e, `chaos ${c.id} evaluate`, MIN_FIELD);
  }
  return { exercise: manifest.id, dir: exerciseDir, manifest, entries, checkFileNames: [...new Set(checkFileNames)].sort() };
}

/** Corpus entries that occur in `text`. */
export function findLeaks(text: string, entries: readonly CorpusEntry[]): CorpusEntry[] {
  return entries.filter((e) => text.includes(e.text));
}

/**
 * What a response says, as text to search: the body, plus — for JSON — every string value
 * (so escaped quotes or unicode escapes in the JSON cannot hide a match).
 */
export function searchableText(body: string): string {
  const parts = [body];
  try {
    const walk = (v: unknown): void => {
      if (typeof v === 'string') parts.push(v);
      else if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          parts.push(k);
          walk(x);
        }
      }
    };
    walk(JSON.parse(body));
  } catch {
    // not JSON
  }
  return parts.join('\n');
}

/** A readable list of leaks for an assertion message. */
export function describeLeaks(leaks: readonly CorpusEntry[], where: string): string {
  return `${leaks.length} interviewer string(s) in ${where}:\n${leaks
    .slice(0, 10)
    .map((l) => `  ${l.source}: ${JSON.stringify(l.text.slice(0, 120))}`)
    .join('\n')}`;
}
