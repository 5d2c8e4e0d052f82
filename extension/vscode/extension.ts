/**
 * VS Code face of Faultline. For now it activates, loads the exercise catalog, reports broken
 * manifests in the Faultline log and starts the manifest language server; the interviewer and
 * candidate surfaces build on this module.
 */
import * as vscode from 'vscode';
import { loadCatalog } from '../engine/catalog';
import { installAt } from '../engine/install';
import { formatProblem } from '../engine/manifest/validate';
import { startLanguageClient } from './languageClient';

declare const FAULTLINE_VERSION: string;

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Faultline', { log: true });
  context.subscriptions.push(log);
  const catalog = loadCatalog(installAt(context.extensionPath, FAULTLINE_VERSION));
  log.info(`Faultline ${FAULTLINE_VERSION}: ${catalog.exercises.map((e) => e.manifest.id).join(', ') || 'no exercises'}`);
  for (const problem of catalog.problems) log.warn(formatProblem(problem));
  startLanguageClient(context);
}

export function deactivate(): void {
  // every disposable is in context.subscriptions
}
