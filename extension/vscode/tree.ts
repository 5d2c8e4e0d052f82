/**
 * What every Faultline tree view shares: a change event, refreshes when the session changes (and on
 * the timeline events a view cares about), and disposal. A view implements `getChildren` and
 * `getTreeItem` and names its refresh triggers; nothing else.
 */
import * as vscode from 'vscode';
import type { TimelineEvent } from '../engine/model/interview';
import type { SessionManager } from './session/manager';

export interface RefreshOn {
  /** Timeline events that change what the view shows (default: none). */
  events?: (e: TimelineEvent) => boolean;
  /** Service events (state changes, crashes). */
  services?: boolean;
}

export abstract class SessionTree<N> implements vscode.TreeDataProvider<N>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    protected readonly manager: SessionManager,
    refreshOn: RefreshOn = {},
  ) {
    const events = refreshOn.events;
    this.subscriptions = [
      manager.onDidChange(() => this.refresh()),
      ...(events ? [manager.onDidAppend((e) => (events(e) ? this.refresh() : undefined))] : []),
      ...(refreshOn.services ? [manager.onServiceEvent(() => this.refresh())] : []),
    ];
  }

  refresh(): void {
    this.changed.fire();
  }

  abstract getChildren(node?: N): vscode.ProviderResult<N[]>;
  abstract getTreeItem(node: N): vscode.TreeItem | Thenable<vscode.TreeItem>;

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
