/**
 * Candidate workspaces: creating one from an exercise package (`faultline new`) and recognising
 * one later (`faultline up <dir>`). Only the starter (plus an optional solution overlay the
 * interviewer asked for) is copied; the manifest, guide, hints, checks and other solutions never are.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LoadedExercise } from './catalog';
import { FaultlineError } from './errors';
import { makeDir } from './files';
import { commitAll, git, initRepository } from './git';
import type { Install } from './install';
import { writeAiPolicy, type AiAssistance } from './aiPolicy';
import { solutionLayers } from './manifest/schema';
import { installRuntimePack } from './runtimePack';

export const MARKER_DIR = '.faultline';
export const MARKER_FILE = path.join(MARKER_DIR, 'workspace.json');
export const BASELINE_TAG = 'faultline/baseline';

export interface WorkspaceMarker {
  exercise: string;
  faultline: string;
  createdAt: string;
  /** Commit of the untouched starter: the candidate's diff is measured against it. */
  baseline: string;
  solution: string | null;
  /** The interview's AI-assistance policy (absent in workspaces made before it existed: allowed). */
  aiAssistance?: AiAssistance;
}

/** Never copied from a starter even if present (build output, local state). */
const SKIP = new Set(['node_modules', '.git', 'data', 'dist', MARKER_DIR]);

/** The workspace that contains `from` (a folder with `.faultline/workspace.json` at or above it), if any. */
export function findWorkspace(from: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, MARKER_FILE))) return dir;
    if (path.dirname(dir) === dir) return undefined;
  }
}

export function readMarker(workspace: string): WorkspaceMarker {
  const file = path.join(workspace, MARKER_FILE);
  if (!fs.existsSync(workspace)) throw new FaultlineError('not-a-workspace', `${workspace} does not exist`);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as WorkspaceMarker;
  } catch {
    throw new FaultlineError(
      'not-a-workspace',
      `${workspace} is not a Faultline workspace (no ${MARKER_FILE})`,
      'create one with `faultline new <exercise> <dir>`',
    );
  }
}

function isEmptyDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return false;
  }
}

function copyTree(src: string, dest: string, skipTopLevel: boolean): void {
  fs.mkdirSync(dest, { recursive: true });
  for (const entry of fs.readdirSync(src, { withFileTypes: true })) {
    if (skipTopLevel && SKIP.has(entry.name)) continue;
    if (entry.name === 'node_modules' || entry.name === '.DS_Store') continue;
    const s = path.join(src, entry.name);
    const d = path.join(dest, entry.name);
    if (entry.isDirectory()) copyTree(s, d, false);
    else if (entry.isFile()) fs.copyFileSync(s, d);
  }
}

function ensureIgnored(workspace: string, pattern: string): void {
  const file = path.join(workspace, '.gitignore');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  if (text.split(/\r?\n/).some((l) => l.trim() === pattern)) return;
  fs.writeFileSync(file, `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${pattern}\n`);
}

export interface CreateOptions {
  install: Install;
  exercise: LoadedExercise;
  dir: string;
  /** Name of a solution overlay (interviewer demos, tests). */
  solution?: string | undefined;
  /** Progress lines for the user. */
  onProgress?: (message: string) => void;
  /** The AI-assistance policy (default: the exercise's `aiAssistance`, else allowed). */
  aiAssistance?: AiAssistance | undefined;
}

export interface CreatedWorkspace {
  dir: string;
  marker: WorkspaceMarker;
  packages: number;
}

export async function createWorkspace(opts: CreateOptions): Promise<CreatedWorkspace> {
  const { exercise, install } = opts;
  const m = exercise.manifest;
  const dir = path.resolve(opts.dir);
  const progress = opts.onProgress ?? (() => undefined);
  // The solution's overlays, what it extends first.
  const solutionDirs = opts.solution === undefined ? [] : solutionLayers(m, opts.solution);
  const existed = fs.existsSync(dir);
  if (existed && !isEmptyDir(dir)) {
    throw new FaultlineError(
      'directory-occupied',
      `${dir} already exists and is not empty`,
      'choose a new folder, or empty this one first',
    );
  }
  if (!existed) makeDir(dir, 'the workspace folder');
  try {
    progress(`copying the ${m.title} starter`);
    copyTree(path.join(exercise.dir, m.starter), dir, true);
    ensureIgnored(dir, `${MARKER_DIR}/`);
    ensureIgnored(dir, 'node_modules/');
    ensureIgnored(dir, 'HINTS.md');
    progress('installing dependencies from Faultline (offline)');
    const packages = fs.existsSync(path.join(dir, 'package.json')) ? installRuntimePack(install.runtimeModules, dir) : 0;
    // Part of the baseline: a candidate who changes these settings changes the diff.
    const aiAssistance = opts.aiAssistance ?? m.aiAssistance ?? 'allowed';
    writeAiPolicy(dir, aiAssistance);
    progress('creating the git baseline');
    await initRepository(dir);
    const baseline = await commitAll(dir, `Baseline: ${m.title} starter`);
    await git(dir, ['tag', BASELINE_TAG, baseline]);
    if (solutionDirs.length > 0 && opts.solution) {
      // Baseline = the untouched starter, so the solution shows up as the diff a candidate would make.
      progress(`applying the ${opts.solution} solution`);
      for (const layer of solutionDirs) {
        for (const rel of layer.remove) fs.rmSync(path.join(dir, rel), { force: true });
        copyTree(path.join(exercise.dir, layer.path), dir, true);
      }
      await commitAll(dir, `Apply the ${opts.solution} solution`);
    }
    const marker: WorkspaceMarker = {
      exercise: m.id,
      faultline: install.version,
      createdAt: new Date().toISOString(),
      baseline,
      solution: opts.solution ?? null,
      aiAssistance,
    };
    fs.mkdirSync(path.join(dir, MARKER_DIR), { recursive: true });
    fs.writeFileSync(path.join(dir, MARKER_FILE), JSON.stringify(marker, null, 2) + '\n');
    return { dir, marker, packages };
  } catch (err) {
    // Leave nothing half-made behind: remove what we created (an empty folder we were given stays).
    if (existed) for (const entry of fs.readdirSync(dir)) fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
    else fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Restore missing dependencies of an existing workspace from Faultline's runtime pack. */
export function ensureDependencies(install: Install, workspace: string): number {
  if (fs.existsSync(path.join(workspace, 'node_modules')) || !fs.existsSync(path.join(workspace, 'package.json'))) return 0;
  return installRuntimePack(install.runtimeModules, workspace);
}
