/**
 * Hints: the Hints view and Send Hint… (interviewer: every ladder, sent or not), Request Hint…
 * (practice: the next step of a ladder, at its cost; unsent texts stay hidden), and for a Live
 * Share guest the hints received, read from HINTS.md in the shared workspace with a
 * notification when a new one arrives.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FaultlineError } from '../../engine/errors';
import { HINTS_FILE } from '../../engine/hints';
import type { SessionManager } from '../session/manager';
import { guarded, setContext } from '../ui';
import type { LadderStatus } from '../../engine/model/interview';
import { SessionTree } from '../tree';

type Step = LadderStatus['steps'][number];
type Node =
  | { kind: 'ladder'; ladder: LadderStatus }
  | { kind: 'step'; ladder: LadderStatus; step: Step }
  | { kind: 'received'; title: string; text: string };

/** Hints as the candidate received them: the `## <title> — <level> (<time>)` sections of HINTS.md. */
export function parseHintsFile(markdown: string): { title: string; text: string }[] {
  const sections = markdown.split(/^## /m).slice(1);
  return sections.map((s) => {
    const nl = s.indexOf('\n');
    return { title: (nl < 0 ? s : s.slice(0, nl)).trim(), text: nl < 0 ? '' : s.slice(nl + 1).trim() };
  });
}

export class HintsView extends SessionTree<Node> {
  constructor(manager: SessionManager) {
    super(manager, { events: (e) => e.type === 'hint.sent' });
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (this.manager.role === 'guest') return node ? [] : (await receivedHints(this.manager)).map((h) => ({ kind: 'received', ...h }));
    if (!node) {
      if (this.manager.state !== 'running') return [];
      return (await this.manager.client().hints(null)).map((ladder) => ({ kind: 'ladder', ladder }));
    }
    if (node.kind !== 'ladder') return [];
    return node.ladder.steps.map((step) => ({ kind: 'step', ladder: node.ladder, step }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const practice = this.manager.role === 'practice';
    if (node.kind === 'received') {
      const item = new vscode.TreeItem(node.title);
      item.tooltip = new vscode.MarkdownString(node.text);
      item.iconPath = new vscode.ThemeIcon('lightbulb');
      item.command = { command: 'faultline.openHints', title: 'Open HINTS.md' };
      return item;
    }
    if (node.kind === 'ladder') {
      const sent = node.ladder.steps.filter((s) => s.sent).length;
      const item = new vscode.TreeItem(node.ladder.title, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `hint:${node.ladder.id}`;
      item.description = `${sent}/${node.ladder.steps.length} sent${node.ladder.chaos ? ` · ${node.ladder.chaos}` : node.ladder.phase ? ` · ${node.ladder.phase}` : ''}`;
      item.iconPath = new vscode.ThemeIcon(sent === node.ladder.steps.length ? 'lightbulb' : 'lightbulb-autofix');
      item.contextValue = sent < node.ladder.steps.length ? 'faultline.hintLadder' : 'faultline.hintLadder.done';
      return item;
    }
    const { step } = node;
    const hidden = practice && !step.sent;
    const item = new vscode.TreeItem(hidden ? `${step.level} hint` : `${step.level}: ${step.text}`);
    item.id = `hint:${node.ladder.id}:${step.level}`;
    item.description = step.sent
      ? `sent ${new Date(step.at ?? '').toLocaleTimeString()}`
      : step.cost > 0
        ? `not sent · costs ${step.cost} pt`
        : 'not sent';
    item.tooltip = hidden ? `Request it to see it (costs ${step.cost} point(s))` : new vscode.MarkdownString(step.text);
    item.iconPath = new vscode.ThemeIcon(step.sent ? 'pass' : 'circle-outline');
    item.contextValue = step.sent ? 'faultline.hintStep.sent' : 'faultline.hintStep';
    return item;
  }
}

/** Where the engine writes HINTS.md: the Faultline workspace (a guest: the shared folder). */
function hintsUri(manager: SessionManager): vscode.Uri | undefined {
  if (manager.workspace && manager.role !== 'guest') return vscode.Uri.file(path.join(manager.workspace.dir, HINTS_FILE));
  const folder = vscode.workspace.workspaceFolders?.[0];
  return folder ? vscode.Uri.joinPath(folder.uri, HINTS_FILE) : undefined;
}

async function receivedHints(manager: SessionManager): Promise<{ title: string; text: string }[]> {
  const uri = hintsUri(manager);
  if (!uri) return [];
  try {
    return parseHintsFile(new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)));
  } catch {
    return [];
  }
}

function target(arg: unknown): { ladder?: string; level?: 'mild' | 'medium' | 'strong' } {
  const node = arg as Partial<Node> | undefined;
  if (typeof arg === 'string') return { ladder: arg };
  if (node?.kind === 'ladder') return { ladder: node.ladder?.id };
  if (node?.kind === 'step') return { ladder: node.ladder?.id, level: node.step?.level as 'mild' | 'medium' | 'strong' };
  return {};
}

async function pickLadder(manager: SessionManager, practice: boolean): Promise<string | undefined> {
  const ladders = await manager.client().hints(null);
  const open = ladders.filter((l) => l.steps.some((s) => !s.sent));
  if (open.length === 0) throw new FaultlineError('usage', ladders.length ? 'every hint was sent already' : 'this exercise has no hints');
  const picked = await vscode.window.showQuickPick(
    open.map((l) => {
      const next = l.steps.find((s) => !s.sent);
      return {
        label: l.title,
        description: `next: ${next?.level ?? ''}${practice && next?.cost ? ` · costs ${next.cost} pt` : ''}`,
        detail: practice ? undefined : next?.text,
        id: l.id,
      };
    }),
    { title: practice ? 'Faultline: Request Hint' : 'Faultline: Send Hint', matchOnDetail: true },
  );
  return picked?.id;
}

export function registerHints(manager: SessionManager): vscode.Disposable[] {
  const view = new HintsView(manager);
  const send = async (arg: unknown, practice: boolean) => {
    const client = manager.client();
    const t = target(arg);
    const ladder = t.ladder ?? (await pickLadder(manager, practice));
    if (!ladder) return;
    if (practice) {
      const status = (await client.hints(null)).find((l) => l.id === ladder);
      const step = t.level ? status?.steps.find((s) => s.level === t.level) : status?.steps.find((s) => !s.sent);
      if (step && step.cost > 0) {
        const ok = await vscode.window.showWarningMessage(
          `This ${step.level} hint costs ${step.cost} point(s) of your practice score.`,
          { modal: true },
          'Show Hint',
        );
        if (ok !== 'Show Hint') return;
      }
    }
    const sent = await client.hintSend({ ladder, ...(t.level ? { level: t.level } : {}) });
    const choice = await vscode.window.showInformationMessage(
      practice
        ? `Hint (${sent.level}) — ${sent.title}: ${sent.text}`
        : `Faultline: sent the ${sent.level} hint for “${sent.title}” (added to HINTS.md).`,
      'Open HINTS.md',
    );
    if (choice === 'Open HINTS.md') await vscode.commands.executeCommand('faultline.openHints');
  };
  const watcher = vscode.workspace.createFileSystemWatcher(`**/${HINTS_FILE}`);
  const onHintsFile = async () => {
    if (manager.role !== 'guest') return;
    view.refresh();
    const latest = (await receivedHints(manager)).at(-1);
    if (!latest) return;
    setContext('faultline:hintSent', true);
    const choice = await vscode.window.showInformationMessage(
      `Faultline: new hint from your interviewer — ${latest.title}`,
      'Open HINTS.md',
    );
    if (choice === 'Open HINTS.md') await vscode.commands.executeCommand('faultline.openHints');
  };
  return [
    view,
    watcher,
    watcher.onDidCreate(() => void onHintsFile()),
    watcher.onDidChange(() => void onHintsFile()),
    manager.onDidAppend((e) => {
      if (e.type === 'hint.sent') setContext('faultline:hintSent', true);
    }),
    vscode.window.registerTreeDataProvider('faultline.hints', view),
    vscode.commands.registerCommand(
      'faultline.sendHint',
      guarded((arg: unknown) => send(arg, false)),
    ),
    vscode.commands.registerCommand(
      'faultline.requestHint',
      guarded((arg: unknown) => send(arg, true)),
    ),
    vscode.commands.registerCommand(
      'faultline.openHints',
      guarded(async () => {
        const uri = hintsUri(manager);
        if (!uri) throw new FaultlineError('not-a-workspace', 'no workspace is open');
        try {
          await vscode.workspace.fs.stat(uri);
        } catch {
          throw new FaultlineError('usage', 'no hints were sent yet');
        }
        await vscode.commands.executeCommand('markdown.showPreview', uri);
      }),
    ),
  ];
}
