/**
 * VS Code face of Faultline: composition only. Each feature folder owns its commands, views and
 * state and hands back its disposables; the engine (which never imports `vscode`) does the work.
 */
import * as vscode from 'vscode';
import { loadCatalog } from '../engine/catalog';
import { installAt } from '../engine/install';
import { formatProblem } from '../engine/manifest/validate';
import { registerChaos } from './chaos';
import { registerHints } from './hints';
import { startLanguageClient } from './languageClient';
import { LiveShareLink } from './liveShare';
import { registerPortal } from './portal';
import { registerRubric } from './rubric';
import { registerSessionCommands } from './session/commands';
import { registerCandidateTests } from './session/candidateTests';
import { SessionManager } from './session/manager';
import { ServicesView } from './session/servicesView';
import { SessionStatusBar } from './session/statusBar';
import { registerTerminalNode } from './session/terminalNode';
import { registerTimeline } from './timeline';
import { output, showError } from './ui';

declare const FAULTLINE_VERSION: string;

let manager: SessionManager | undefined;

export interface FaultlineApi {
  /** The session of this window (for tests and other extensions). */
  readonly sessions: SessionManager;
}

export function activate(context: vscode.ExtensionContext): FaultlineApi {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Faultline', { log: true });
  output.log = log;
  const install = installAt(context.extensionPath, FAULTLINE_VERSION);
  const catalog = loadCatalog(install);
  log.info(`Faultline ${FAULTLINE_VERSION}: ${catalog.exercises.map((e) => e.manifest.id).join(', ') || 'no exercises'}`);
  for (const problem of catalog.problems) log.warn(formatProblem(problem));

  const sessions = new SessionManager(install, catalog);
  manager = sessions;
  const services = new ServicesView(sessions);
  const liveShare = new LiveShareLink(sessions, context.extension.id, () => sessions.running?.state.portal.url);
  context.subscriptions.push(
    log,
    sessions,
    services,
    vscode.window.registerTreeDataProvider('faultline.services', services),
    new SessionStatusBar(sessions),
    liveShare,
    ...registerSessionCommands(sessions),
    registerTerminalNode(context, sessions),
    registerCandidateTests(sessions),
    ...registerChaos(sessions),
    ...registerHints(sessions),
    ...registerRubric(sessions),
    ...registerTimeline(sessions),
    ...registerPortal(sessions, liveShare),
    vscode.workspace.onDidChangeWorkspaceFolders(() => sessions.refreshWorkspace()),
  );
  startLanguageClient(context);
  log.info(`activated in ${Math.round(performance.now() - started)} ms`);
  // Live Share first (a guest must never start services), then a requested start.
  void liveShare
    .connect()
    .then(() => sessions.autostart())
    .catch((err: unknown) => showError(err, 'could not start the services'));
  return { sessions };
}

/** VS Code awaits this: every service is stopped before the extension host goes away. */
export async function deactivate(): Promise<void> {
  await manager?.stop();
  manager = undefined;
}
