/**
 * The runtime services run on inside VS Code: the editor's own (`process.execPath` with
 * ELECTRON_RUN_AS_NODE=1), so a candidate needs nothing but VS Code, unless the
 * `faultline.nodePath` setting names another Node.js. Nothing native loads in the extension host.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { FaultlineError } from '../../engine/errors';
import type { Install } from '../../engine/install';
import { bundledNodePath, majorOf, probeNodeVersion, resolveRuntime, type Runtime } from '../../engine/runtime';

export function editorRuntime(install: Install, minMajor: number): Runtime {
  const configured = vscode.workspace.getConfiguration('faultline').get<string>('nodePath')?.trim();
  if (configured) return resolveRuntime({ explicit: configured, minMajor, install });
  const env = { ELECTRON_RUN_AS_NODE: '1' };
  const version = process.versions.node;
  if (majorOf(version) >= minMajor) return { execPath: process.execPath, env, version, source: 'current' };
  // A development checkout ships a newer Node (devDependency `node`); an installed extension does not.
  const bundled = bundledNodePath(install);
  const bundledVersion = fs.existsSync(bundled) ? probeNodeVersion(bundled) : undefined;
  if (bundledVersion && majorOf(bundledVersion) >= minMajor)
    return { execPath: bundled, env: {}, version: bundledVersion, source: 'bundled' };
  throw new FaultlineError(
    'runtime-unavailable',
    `this VS Code runs Node ${version}, but the exercise's services need Node ${minMajor} or newer`,
    'update VS Code, or set "faultline.nodePath" to a Node.js ' + minMajor + '+ executable',
  );
}
