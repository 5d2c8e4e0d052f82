/**
 * The exercise catalog: every `workspaces/<id>/exercise.json`, validated. A broken manifest is
 * reported (file, JSON path, line:column, what is expected) and left out; it never stops the others.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Install } from './install';
import type { Exercise } from './manifest/schema';
import { validateManifestFile, type ManifestProblem } from './manifest/validate';
import { FaultlineError } from './errors';

export interface LoadedExercise {
  manifest: Exercise;
  /** Folder of the exercise package (interviewer side). */
  dir: string;
  file: string;
}

export interface Catalog {
  exercises: LoadedExercise[];
  problems: ManifestProblem[];
  get(id: string): LoadedExercise;
}

export const MANIFEST_FILE = 'exercise.json';

function locateRoot(file: string): Omit<ManifestProblem, 'message'> {
  return { file, path: ['id'], line: 1, column: 1, offset: 0, length: 0, severity: 'warning' };
}

/** Where exercise packages are looked for, in order (the first of two with the same id wins). */
function roots(install: Install): string[] {
  return [install.workspacesDir, ...install.extraExerciseDirs];
}

/**
 * One exercise, validating only its own manifest: an exercise's id is its folder's name (validation
 * enforces it), so `<root>/<id>/exercise.json` in the first root that has a valid one is what the
 * catalog would give. When there is none, the catalog's own error (unknown, or an invalid manifest).
 */
export function findExercise(install: Install, id: string): LoadedExercise {
  if (/^[a-z][a-z0-9_-]*$/.test(id)) {
    for (const root of roots(install)) {
      const dir = path.join(root, id);
      const file = path.join(dir, MANIFEST_FILE);
      if (!fs.existsSync(file)) continue;
      const result = validateManifestFile(file);
      if (result.manifest && !result.problems.some((p) => p.severity === 'error')) return { manifest: result.manifest, dir, file };
    }
  }
  return loadCatalog(install).get(id);
}

export function loadCatalog(install: Install): Catalog {
  const exercises: LoadedExercise[] = [];
  const problems: ManifestProblem[] = [];
  for (const root of roots(install)) {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(root, { withFileTypes: true });
    } catch (err) {
      throw new FaultlineError('io', `cannot read the exercise folder ${root}: ${String(err)}`);
    }
    for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const dir = path.join(root, entry.name);
      const file = path.join(dir, MANIFEST_FILE);
      if (!fs.existsSync(file)) continue;
      const result = validateManifestFile(file);
      const errors = result.problems.filter((p) => p.severity === 'error');
      problems.push(...result.problems);
      if (!result.manifest || errors.length > 0) continue;
      if (exercises.some((e) => e.manifest.id === result.manifest?.id)) {
        problems.push({ ...locateRoot(file), message: `duplicate exercise id "${result.manifest.id}"; the first one found is used` });
        continue;
      }
      exercises.push({ manifest: result.manifest, dir, file });
    }
  }
  return {
    exercises,
    problems,
    get(id: string): LoadedExercise {
      const found = exercises.find((e) => e.manifest.id === id);
      if (found) return found;
      const broken = problems.filter((p) => path.basename(path.dirname(p.file)) === id);
      if (broken.length > 0) {
        throw new FaultlineError('invalid-manifest', `exercise "${id}" has an invalid manifest`, 'run `faultline validate` for details');
      }
      const known = exercises.map((e) => e.manifest.id).join(', ') || '(none)';
      throw new FaultlineError('unknown-exercise', `unknown exercise "${id}"`, `available exercises: ${known}`);
    },
  };
}
