/**
 * Where Faultline's own files are. The CLI derives it from its bundle location, the extension
 * from `context.extensionPath`; tests pass a checkout. Nothing else in the engine guesses paths.
 */
import * as path from 'node:path';

export interface Install {
  /** Root of the Faultline installation (the folder with package.json). */
  root: string;
  /** Exercise packages shipped with Faultline: `<workspacesDir>/<id>/exercise.json`. */
  workspacesDir: string;
  /** More folders of exercise packages (authors' own exercises, FAULTLINE_EXERCISES). */
  extraExerciseDirs: string[];
  /** Built infrastructure servers and the service preload: `<serversDir>/<name>.js`. */
  serversDir: string;
  /** node_modules the candidate runtime pack is copied from (offline scaffolding). */
  runtimeModules: string;
  /** Faultline's version, recorded in workspaces and session state. */
  version: string;
}

export function installAt(root: string, version = '0.0.0', env: NodeJS.ProcessEnv = process.env): Install {
  return {
    root,
    workspacesDir: path.join(root, 'workspaces'),
    extraExerciseDirs: (env['FAULTLINE_EXERCISES'] ?? '')
      .split(path.delimiter)
      .filter((p) => p.trim() !== '')
      .map((p) => path.resolve(p)),
    serversDir: path.join(root, 'dist', 'servers'),
    runtimeModules: path.join(root, 'node_modules'),
    version,
  };
}
