/**
 * Commands that create and run sessions: New Interview…, Start Practice…, Start / Stop / Restart
 * Services, Open Service Logs, Open in Browser, Start Next Phase.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AiAssistance } from '../../engine/aiPolicy';
import { requestAutostart, type SessionMode } from '../../engine/autostart';
import type { LoadedExercise } from '../../engine/catalog';
import { FaultlineError } from '../../engine/errors';
import { createWorkspace } from '../../engine/workspace';
import { guarded, output } from '../ui';
import type { SessionManager } from './manager';
import { serviceName } from './servicesView';

function defaultParent(): string {
  const configured = vscode.workspace.getConfiguration('faultline').get<string>('workspacesFolder')?.trim();
  return configured ? configured.replace(/^~(?=$|[\\/])/, os.homedir()) : path.join(os.homedir(), 'faultline');
}

function freeFolder(parent: string, base: string): string {
  for (let n = 1; ; n++) {
    const dir = path.join(parent, n === 1 ? base : `${base}-${n}`);
    if (!fs.existsSync(dir)) return dir;
  }
}

function occupied(dir: string): string | undefined {
  if (!path.isAbsolute(dir)) return 'give an absolute path';
  try {
    const entries = fs.readdirSync(dir);
    return entries.length > 0 ? `${dir} already exists and is not empty` : undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOTDIR' ? `${dir} is a file` : undefined;
  }
}

async function pickExercise(manager: SessionManager, mode: SessionMode): Promise<LoadedExercise | undefined> {
  const items = manager.catalog.exercises.map((e) => ({
    label: e.manifest.title,
    description: `${e.manifest.id} · ${e.manifest.level} · ${e.manifest.durationMinutes} min`,
    detail: e.manifest.summary,
    exercise: e,
  }));
  if (items.length === 0)
    throw new FaultlineError('unknown-exercise', 'no exercises are installed', 'see the Faultline log for broken manifests');
  const picked = await vscode.window.showQuickPick(items, {
    title: mode === 'practice' ? 'Faultline: Start Practice — exercise' : 'Faultline: New Interview — exercise',
    placeHolder: 'Choose an exercise',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.exercise;
}

/** The interview's AI-assistance policy; the exercise's default first. */
async function pickAiAssistance(exercise: LoadedExercise): Promise<AiAssistance | undefined> {
  const fallback = exercise.manifest.aiAssistance ?? 'allowed';
  const items: (vscode.QuickPickItem & { policy: AiAssistance })[] = [
    {
      policy: 'off',
      label: 'AI assistance off',
      detail: "The workspace's settings turn off the editor's AI chat, agents and inline completions; the scorecard says so.",
    },
    { policy: 'allowed', label: 'AI assistance allowed', detail: 'The candidate may use the AI features of their editor.' },
  ];
  items.sort((a, b) => (a.policy === fallback ? -1 : b.policy === fallback ? 1 : 0));
  if (items[0]) items[0].description = 'the exercise’s default';
  const picked = await vscode.window.showQuickPick(items, { title: `Faultline: ${exercise.manifest.title} — AI assistance` });
  return picked?.policy;
}

/** Ask for an exercise and a folder, scaffold the workspace, open it; the new window starts the services. */
async function newWorkspace(manager: SessionManager, mode: SessionMode): Promise<void> {
  if (manager.role === 'guest')
    throw new FaultlineError('usage', 'you are a guest in a Live Share session: the interviewer runs the exercise');
  const exercise = await pickExercise(manager, mode);
  if (!exercise) return;
  const date = new Date().toISOString().slice(0, 10);
  const suggestion = freeFolder(defaultParent(), `${exercise.manifest.id}-${mode === 'practice' ? 'practice-' : ''}${date}`);
  const dir = await vscode.window.showInputBox({
    title: `Faultline: ${exercise.manifest.title} — where should the candidate workspace go?`,
    prompt: 'A new (or empty) folder; the candidate sees only this folder',
    value: suggestion,
    valueSelection: [suggestion.length - path.basename(suggestion).length, suggestion.length],
    validateInput: (value) => occupied(value.trim()),
  });
  if (!dir) return;
  const target = dir.trim();
  const aiAssistance = mode === 'interview' ? await pickAiAssistance(exercise) : undefined;
  if (mode === 'interview' && !aiAssistance) return;
  const created = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Faultline: creating ${exercise.manifest.title}` },
    (progress) =>
      createWorkspace({
        install: manager.install,
        exercise,
        dir: target,
        aiAssistance,
        onProgress: (message) => {
          output.log?.info(message);
          progress.report({ message });
        },
      }),
  );
  output.log?.info(`created ${exercise.manifest.title} at ${created.dir} (baseline ${created.marker.baseline.slice(0, 8)})`);
  requestAutostart(created.dir, mode);
  // A running session would stop with this window: open the new one beside it.
  await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(created.dir), {
    forceNewWindow: manager.state === 'running',
  });
}

export function registerSessionCommands(manager: SessionManager): vscode.Disposable[] {
  const r = (id: string, body: (...args: unknown[]) => unknown) => vscode.commands.registerCommand(id, guarded(body));
  return [
    r('faultline.newInterview', () => newWorkspace(manager, 'interview')),
    r('faultline.startPractice', () => newWorkspace(manager, 'practice')),
    r('faultline.startServices', () => manager.start()),
    r('faultline.stopServices', () => manager.stop()),
    r('faultline.restartService', async (arg) => {
      const client = manager.client();
      const name = serviceName(arg) ?? (await pickService(manager, 'Restart which service?'));
      if (!name) return;
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Faultline: restarting ${name}` }, () =>
        client.restart({ service: name }),
      );
    }),
    r('faultline.openServiceLogs', async (arg) => {
      const name = serviceName(arg) ?? (await pickService(manager, 'Open the logs of which service?'));
      if (!name) return;
      manager.logs.show(name);
    }),
    r('faultline.openServiceInBrowser', async (arg) => {
      const name = serviceName(arg) ?? (await pickService(manager, 'Open which service in the browser?'));
      if (!name) return;
      const url = manager.running?.state.services[name]?.url;
      if (!url) throw new FaultlineError('usage', `unknown service "${name}"`);
      await vscode.env.openExternal(vscode.Uri.parse(url));
    }),
    r('faultline.openGuide', async () => {
      const ws = manager.workspace;
      if (!ws) throw new FaultlineError('not-a-workspace', 'no Faultline workspace is open');
      if (manager.role !== 'interviewer')
        throw new FaultlineError('usage', 'the interviewer guide is for the interviewer (not in practice, not for a Live Share guest)');
      const rel = ws.exercise.manifest.interviewer.guide;
      if (!rel) throw new FaultlineError('usage', `${ws.exercise.manifest.title} has no interviewer guide`);
      // From Faultline's exercise folder, never the candidate workspace: not shared over Live Share.
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(path.join(ws.exercise.dir, rel)));
    }),
    r('faultline.nextPhase', async () => {
      const status = await manager.client().phaseStart({});
      void vscode.window.showInformationMessage(`Faultline: phase "${status.current.title}" started (${status.current.minutes} min).`);
    }),
  ];
}

async function pickService(manager: SessionManager, title: string): Promise<string | undefined> {
  const ws = manager.workspace;
  if (!ws) throw new FaultlineError('not-a-workspace', 'no Faultline workspace is open');
  const services = ws.exercise.manifest.services;
  if (services.length === 1) return services[0]?.name;
  const picked = await vscode.window.showQuickPick(
    services.map((s) => ({ label: s.name, description: s.title ?? '', detail: s.role === 'candidate' ? 'candidate code' : 'bundled' })),
    { title: `Faultline: ${title}` },
  );
  return picked?.label;
}
