/**
 * Chaos from the editor: the Chaos view (every mode with what it does and what to say; the
 * active mode with its faults) and the Activate Chaos Mode… / Reset Chaos commands. In practice
 * mode, modes of later phases show as locked and the interviewer-only text (demo steps, what to
 * evaluate) is not shown.
 */
import * as vscode from 'vscode';
import type { ChaosMode } from '../../engine/manifest/schema';
import { FaultlineError } from '../../engine/errors';
import type { SessionManager } from '../session/manager';
import { guarded } from '../ui';
import { SessionTree } from '../tree';

type Node =
  | { kind: 'mode'; mode: ChaosMode; active: boolean; locked?: string | undefined }
  | { kind: 'detail'; label: string; icon?: string; tooltip?: string };

export class ChaosView extends SessionTree<Node> {
  constructor(manager: SessionManager) {
    super(manager, { events: (e) => e.type.startsWith('chaos.') || e.type === 'phase.start' });
  }

  async getChildren(node?: Node): Promise<Node[]> {
    const exercise = this.manager.workspace?.exercise.manifest;
    if (!exercise || this.manager.role === 'guest') return [];
    if (!node) {
      const status = this.manager.state === 'running' ? await this.manager.client().chaosStatus(null) : undefined;
      return exercise.chaos.map((mode) => {
        const s = status?.modes.find((m) => m.id === mode.id);
        return { kind: 'mode', mode, active: s?.active ?? false, locked: s?.locked };
      });
    }
    if (node.kind !== 'mode') return [];
    const practice = this.manager.role === 'practice';
    const details: Node[] = [];
    if (node.locked) details.push({ kind: 'detail', label: node.locked, icon: 'lock' });
    if (!practice) details.push({ kind: 'detail', label: node.mode.description, icon: 'info', tooltip: node.mode.description });
    details.push({ kind: 'detail', label: `Say: ${node.mode.prompt}`, icon: 'comment', tooltip: node.mode.prompt });
    if (!practice) {
      for (const step of node.mode.demo ?? []) details.push({ kind: 'detail', label: step, icon: 'play', tooltip: 'Demo step' });
      for (const e of node.mode.evaluate ?? []) details.push({ kind: 'detail', label: e, icon: 'checklist', tooltip: 'Evaluate' });
    }
    for (const f of node.mode.faults) {
      details.push({
        kind: 'detail',
        label: `${f.type}${f.target ? ` → ${f.target}` : ''}`,
        icon: 'zap',
        tooltip: JSON.stringify(f.params ?? {}),
      });
    }
    return details;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'detail') {
      const item = new vscode.TreeItem(node.label);
      if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
      if (node.tooltip) item.tooltip = node.tooltip;
      return item;
    }
    const { mode } = node;
    const item = new vscode.TreeItem(mode.title, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `chaos:${mode.id}`;
    item.description = node.active ? `${mode.id} · active` : node.locked ? `${mode.id} · locked` : mode.id;
    item.iconPath = new vscode.ThemeIcon(
      node.active ? 'flame' : node.locked ? 'lock' : 'circle-outline',
      node.active ? new vscode.ThemeColor('list.warningForeground') : undefined,
    );
    item.tooltip = new vscode.MarkdownString(
      this.manager.role === 'practice'
        ? `**${mode.title}**\n\n${mode.prompt}`
        : `**${mode.title}**\n\n${mode.description}\n\n*Say:* ${mode.prompt}`,
    );
    item.contextValue = node.active ? 'faultline.chaosMode.active' : node.locked ? 'faultline.chaosMode.locked' : 'faultline.chaosMode';
    return item;
  }
}

function modeId(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as Partial<Node> | undefined;
  return node?.kind === 'mode' ? node.mode?.id : undefined;
}

export function registerChaos(manager: SessionManager): vscode.Disposable[] {
  const view = new ChaosView(manager);
  return [
    view,
    vscode.window.registerTreeDataProvider('faultline.chaos', view),
    vscode.commands.registerCommand(
      'faultline.activateChaos',
      guarded(async (arg: unknown) => {
        const client = manager.client();
        let id = modeId(arg);
        if (!id) {
          const status = await client.chaosStatus(null);
          const exercise = manager.workspace?.exercise.manifest;
          const items = status.modes.map((m) => {
            const locked = m.locked;
            return {
              label: `${m.active ? '$(flame) ' : locked ? '$(lock) ' : ''}${m.title}`,
              description: m.id,
              detail: locked ?? (manager.role === 'practice' ? exercise?.chaos.find((c) => c.id === m.id)?.prompt : m.description),
              id: m.id,
            };
          });
          if (items.length === 0) throw new FaultlineError('usage', 'this exercise has no chaos modes');
          id = (await vscode.window.showQuickPick(items, { title: 'Faultline: Activate Chaos Mode', matchOnDescription: true }))?.id;
        }
        if (!id) return;
        const chosen = id;
        const report = await vscode.window.withProgress(
          // In the status bar, not a toast: the result below is the one notification (a finished
          // progress toast lingers under it otherwise).
          { location: vscode.ProgressLocation.Window, title: `Faultline: activating ${chosen}` },
          () => client.chaosActivate({ mode: chosen }),
        );
        const prompt = manager.workspace?.exercise.manifest.chaos.find((c) => c.id === chosen)?.prompt;
        const choice = await vscode.window.showInformationMessage(
          `Faultline: chaos mode ${report.mode} is active (${report.faults.length} fault(s), seed ${report.seed}, ${Math.round(report.ms)} ms).` +
            (prompt ? ` Say: “${prompt}”` : ''),
          ...(prompt ? ['Copy Prompt'] : []),
          'Reset Chaos',
        );
        if (choice === 'Copy Prompt' && prompt) await vscode.env.clipboard.writeText(prompt);
        if (choice === 'Reset Chaos') await vscode.commands.executeCommand('faultline.resetChaos');
      }),
    ),
    vscode.commands.registerCommand(
      'faultline.resetChaos',
      guarded(async () => {
        const client = manager.client();
        const report = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Window, title: 'Faultline: resetting chaos' },
          () => client.chaosReset({}),
        );
        const unhealthy = report.health.filter((h) => !h.ok);
        if (report.failed.length > 0 || unhealthy.length > 0) {
          void vscode.window.showWarningMessage(
            `Faultline: reset ${report.mode ?? 'chaos'} with problems: ` +
              [
                ...report.failed.map((f) => `could not revert ${f.type}${f.target ? ` on ${f.target}` : ''}: ${f.error}`),
                ...unhealthy.map((h) => `${h.service} is not healthy (${h.detail})`),
              ].join('; '),
          );
        } else {
          void vscode.window.showInformationMessage(
            report.mode
              ? `Faultline: chaos ${report.mode} reset — ${report.reverted.length} fault(s) reverted, every service healthy.`
              : 'Faultline: no chaos mode was active; every service is healthy.',
          );
        }
      }),
    ),
  ];
}
