/**
 * The Services view: every service of the exercise with its state, port and restarts; inline
 * actions restart it, open its logs or open it in the browser; a crash shows its diagnosis.
 */
import * as vscode from 'vscode';
import type { SessionManager } from './manager';
import type { InstanceState, InstanceStatus, ServiceStatus } from '../../engine/model/services';
import { AI_OFF_SETTINGS, aiPolicyBreaches } from '../../engine/aiPolicy';
import { SessionTree } from '../tree';

type Node = { kind: 'service'; service: ServiceStatus } | { kind: 'detail'; label: string; tooltip?: string; icon?: string };

/** What a process is doing, as shown: a running process whose event loop does not answer is `not responding`. */
type Shown = InstanceState | 'not responding';
const shown = (i: InstanceStatus): Shown => (i.state === 'healthy' && i.unresponsive ? 'not responding' : i.state);

const ICON: Record<Shown, [string, string?]> = {
  healthy: ['pass-filled', 'testing.iconPassed'],
  'not responding': ['warning', 'list.warningForeground'],
  starting: ['loading~spin'],
  stopping: ['loading~spin'],
  stopped: ['circle-outline'],
  crashed: ['error', 'testing.iconFailed'],
  backoff: ['debug-restart', 'list.warningForeground'],
  failed: ['error', 'testing.iconFailed'],
};

/** The worst state among a service's replicas. */
function overall(instances: InstanceStatus[]): Shown {
  const order: Shown[] = ['failed', 'crashed', 'not responding', 'backoff', 'starting', 'stopping', 'stopped', 'healthy'];
  return order.find((s) => instances.some((i) => shown(i) === s)) ?? 'stopped';
}

export class ServicesView extends SessionTree<Node> {
  private readonly config: vscode.Disposable;

  constructor(manager: SessionManager) {
    super(manager, { services: true });
    // The AI-assistance line follows the settings in force (a candidate may edit .vscode/settings.json).
    this.config = vscode.workspace.onDidChangeConfiguration((e) => {
      if (Object.keys(AI_OFF_SETTINGS).some((key) => e.affectsConfiguration(key))) this.refresh();
    });
  }

  override dispose(): void {
    this.config.dispose();
    super.dispose();
  }

  /** The interview's AI-assistance policy, and whether the settings in force in this window hold it. */
  private aiPolicy(): Node | undefined {
    const ws = this.manager.workspace;
    if (!ws || this.manager.role === 'guest') return undefined;
    const policy = ws.marker.aiAssistance ?? 'allowed';
    if (policy === 'allowed')
      return { kind: 'detail', label: 'AI assistance: allowed', icon: 'sparkle', tooltip: 'Chosen at New Interview' };
    const config = vscode.workspace.getConfiguration(undefined, vscode.workspace.workspaceFolders?.[0]?.uri);
    const breaches = aiPolicyBreaches(policy, (key) => config.get(key));
    return breaches.length === 0
      ? {
          kind: 'detail',
          label: 'AI assistance: off — holds',
          icon: 'shield',
          tooltip: `The workspace settings turn the editor's AI chat, agents and inline completions off in this window (${Object.keys(AI_OFF_SETTINGS).join(', ')}). Live Share guests use their own editor's settings.`,
        }
      : {
          kind: 'detail',
          label: 'AI assistance: off — NOT holding',
          icon: 'warning',
          tooltip: `${breaches.join('; ')}. Check .vscode/settings.json in the workspace (the candidate's diff shows a change to it).`,
        };
  }

  getChildren(node?: Node): Node[] {
    const session = this.manager.running;
    if (!node) {
      const policy = this.aiPolicy();
      return [
        ...(session ? session.supervisor.status().map((service): Node => ({ kind: 'service', service })) : []),
        ...(policy ? [policy] : []),
      ];
    }
    if (node.kind !== 'service') return [];
    const s = node.service;
    const details: Node[] = [
      {
        kind: 'detail',
        label: `${s.url} (public)`,
        tooltip: 'The address to use: through the fault proxy, so chaos applies',
        icon: 'link',
      },
    ];
    if (s.database) details.push({ kind: 'detail', label: s.database, tooltip: 'SQLite database', icon: 'database' });
    for (const i of s.instances) {
      const who = s.instances.length > 1 ? `replica ${i.instance}: ` : '';
      details.push({
        kind: 'detail',
        label: `${who}${shown(i)}${i.pid ? `, pid ${i.pid}` : ''}, process port ${i.port}${i.restarts ? `, ${i.restarts} restart(s)` : ''}`,
        tooltip: `The process's own port bypasses chaos: clients use ${s.url}`,
        icon: ICON[shown(i)][0],
      });
      if (i.sandbox) {
        details.push({
          kind: 'detail',
          label: `${who}${i.sandbox.enforced ? 'sandboxed' : 'NOT sandboxed'}`,
          tooltip: i.sandbox.enforced
            ? `Candidate code runs under Node's permission model: ${i.sandbox.detail}.`
            : `${i.sandbox.detail}. It can read your files and run programs as you: set faultline.nodePath to Node.js 22.13+.`,
          icon: i.sandbox.enforced ? 'shield' : 'warning',
        });
      }
      if (i.unresponsive) {
        details.push({
          kind: 'detail',
          label: `${who}not responding since ${new Date(i.unresponsive.since).toLocaleTimeString()}`,
          tooltip: `Running, but ${i.unresponsive.detail}. Faultline does not restart it; Restart does.`,
          icon: 'watch',
        });
      }
      if (i.lastCrash) {
        details.push({
          kind: 'detail',
          label: `${who}last crash: ${i.lastCrash.summary}`,
          tooltip: [i.lastCrash.exception?.stack ?? '', ...i.lastCrash.stderrTail].filter(Boolean).join('\n'),
          icon: 'bug',
        });
      }
    }
    return details;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'detail') {
      const item = new vscode.TreeItem(node.label);
      if (node.tooltip) item.tooltip = node.tooltip;
      if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
      return item;
    }
    const s = node.service;
    const state = overall(s.instances);
    const port = s.url.replace(/^.*:(\d+).*$/, '$1');
    const restarts = s.instances.reduce((n, i) => n + i.restarts, 0);
    const item = new vscode.TreeItem(s.title === s.name ? s.name : `${s.title}`, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `service:${s.name}`;
    const open = s.instances.some((i) => i.sandbox && !i.sandbox.enforced);
    item.description = `${state} · :${port}${restarts ? ` · ${restarts} restart(s)` : ''}${s.role === 'candidate' ? (open ? ' · NOT sandboxed' : '') : ' · bundled'}`;
    const [icon, color] = ICON[state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.tooltip = new vscode.MarkdownString(
      `**${s.title}** (\`${s.name}\`, ${s.role === 'candidate' ? 'candidate code' : 'bundled'})\n\n${s.url} — health \`${s.health}\``,
    );
    item.contextValue = 'faultline.service';
    item.command = { command: 'faultline.openServiceLogs', title: 'Open Service Logs', arguments: [s.name] };
    return item;
  }
}

/** Tree items and palette calls both reach service commands: accept either. */
export function serviceName(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  const node = arg as Partial<Node> | undefined;
  return node?.kind === 'service' ? node.service?.name : undefined;
}
