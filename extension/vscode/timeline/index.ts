/**
 * The Timeline view: what happened in this session, newest first (phases, chaos on and off,
 * hints, rubric runs, manual scores, crashes, the candidate's test runs and change size) — read from the session's timeline file, so it
 * also shows a finished or crashed session.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { describeEvent } from '../../engine/rubric/scorecard';
import { sessionDirFor } from '../../engine/session';
import { readTimeline } from '../../engine/timeline';
import type { SessionManager } from '../session/manager';
import type { TimelineEvent } from '../../engine/model/interview';
import { SessionTree } from '../tree';

/** By type prefix; the first match wins, so specific types come first. */
const ICONS: [string, string][] = [
  ['candidate.diff', 'diff'],
  ['service.unresponsive', 'watch'],
  ['service.responsive', 'pass'],
  ['session.', 'debug-start'],
  ['phase.', 'milestone'],
  ['chaos.', 'flame'],
  ['hint.', 'lightbulb'],
  ['rubric.', 'beaker'],
  ['score.', 'edit'],
  ['service.', 'bug'],
  ['candidate.', 'person'],
];

const SHOWN = 300;

export class TimelineView extends SessionTree<TimelineEvent> {
  constructor(manager: SessionManager) {
    super(manager, { events: () => true });
  }

  getChildren(node?: TimelineEvent): TimelineEvent[] {
    const ws = this.manager.workspace;
    if (node || !ws || this.manager.role === 'guest') return [];
    const events = this.manager.running?.timeline.read() ?? readTimeline(path.join(sessionDirFor(ws.dir), 'timeline.jsonl'));
    return events
      .filter((e) => describeEvent(e) !== null)
      .slice(-SHOWN)
      .reverse();
  }

  getTreeItem(e: TimelineEvent): vscode.TreeItem {
    const item = new vscode.TreeItem(describeEvent(e) ?? e.type);
    const t = new Date(e.t);
    item.description = t.toLocaleTimeString();
    item.tooltip = `${t.toLocaleString()} — ${e.type}`;
    item.iconPath =
      e.type === 'candidate.tests'
        ? e['exitCode'] === 0
          ? new vscode.ThemeIcon('testing-passed-icon', new vscode.ThemeColor('testing.iconPassed'))
          : new vscode.ThemeIcon('testing-failed-icon', new vscode.ThemeColor('testing.iconFailed'))
        : new vscode.ThemeIcon(ICONS.find(([prefix]) => e.type.startsWith(prefix))?.[1] ?? 'circle-small');
    return item;
  }
}

export function registerTimeline(manager: SessionManager): vscode.Disposable[] {
  const view = new TimelineView(manager);
  return [view, vscode.window.registerTreeDataProvider('faultline.timeline', view)];
}
