/**
 * Rubric and scorecard from the editor: the Rubric view (categories, points so far, rating;
 * manual items scored inline), Run Rubric (through the Testing view), Score Item… and Export
 * Scorecard (HTML, Markdown and JSON, written outside the candidate workspace).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FaultlineError } from '../../engine/errors';
import { renderHtml, renderMarkdown } from '../../engine/rubric/scorecard';
import { writeFileAtomic } from '../../engine/session';
import type { SessionManager } from '../session/manager';
import { guarded, setContext } from '../ui';
import { RubricTests } from './testing';
import type { CategoryScore, ItemScore, Score } from '../../engine/model/interview';
import { SessionTree } from '../tree';

type Node = { kind: 'total'; score: Score } | { kind: 'category'; category: CategoryScore } | { kind: 'item'; item: ItemScore };

const fmt = (n: number) => String(Math.round(n * 100) / 100);

const STATUS_ICON: Record<ItemScore['status'], [string, string?]> = {
  passed: ['pass', 'testing.iconPassed'],
  partial: ['circle-large-filled', 'list.warningForeground'],
  failed: ['error', 'testing.iconFailed'],
  'not-run': ['circle-outline'],
  scored: ['edit', 'testing.iconPassed'],
  unscored: ['edit'],
};

export class RubricView extends SessionTree<Node> {
  constructor(manager: SessionManager) {
    super(manager, { events: (e) => e.type === 'rubric.end' || e.type === 'score.manual' || e.type === 'hint.sent' });
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (this.manager.role === 'guest' || this.manager.state !== 'running') return [];
    if (!node) {
      const score = await this.manager.client().score(null);
      return [{ kind: 'total', score }, ...score.categories.map((category): Node => ({ kind: 'category', category }))];
    }
    return node.kind === 'category' ? node.category.items.map((item): Node => ({ kind: 'item', item })) : [];
  }

  getTreeItem(node: Node): vscode.TreeItem {
    if (node.kind === 'total') {
      const s = node.score;
      const item = new vscode.TreeItem(`Score ${fmt(s.total)} / ${fmt(s.max)}`);
      item.description = [
        s.rating?.rating,
        s.hintCost ? `hints −${fmt(s.hintCost)}` : '',
        s.lastRun ? `last run ${new Date(s.lastRun).toLocaleTimeString()}` : 'rubric not run yet',
      ]
        .filter(Boolean)
        .join(' · ');
      item.tooltip = s.rating?.description ?? '';
      item.iconPath = new vscode.ThemeIcon('graph');
      return item;
    }
    if (node.kind === 'category') {
      const c = node.category;
      const item = new vscode.TreeItem(c.title, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `rubric:${c.id}`;
      item.description = `${fmt(c.earned)} / ${fmt(c.max)}`;
      return item;
    }
    const i = node.item;
    const item = new vscode.TreeItem(i.title);
    item.id = `rubric-item:${i.id}`;
    item.description = `${fmt(i.earned)} / ${fmt(i.max)} · ${i.kind === 'manual' ? (i.manual ? 'scored' : 'score by hand') : i.status}`;
    const [icon, color] = STATUS_ICON[i.status];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${i.title}** (${fmt(i.max)} pt)\n\n`);
    if (i.criteria) md.appendMarkdown(`${i.criteria}\n\n`);
    if (i.signals?.strong?.length) md.appendMarkdown(`*Strong:* ${i.signals.strong.join('; ')}\n\n`);
    if (i.signals?.weak?.length) md.appendMarkdown(`*Weak:* ${i.signals.weak.join('; ')}\n\n`);
    if (i.manual) md.appendMarkdown(`*Scored* ${fmt(i.manual.points)}: ${i.manual.note}\n\n`);
    for (const c of i.checks)
      md.appendMarkdown(`- ${c.status === 'passed' ? '✅' : '❌'} ${c.title}${c.message ? ` — ${c.message}` : ''}\n`);
    item.tooltip = md;
    if (i.kind === 'manual' && this.manager.role === 'interviewer') {
      item.contextValue = 'faultline.rubricItem.manual';
      item.command = { command: 'faultline.scoreItem', title: 'Score Item…', arguments: [i.id] };
    }
    return item;
  }
}

function scorecardsFolder(): string {
  const configured = vscode.workspace.getConfiguration('faultline').get<string>('scorecardsFolder')?.trim();
  return configured ? configured.replace(/^~(?=$|[\\/])/, os.homedir()) : path.join(os.homedir(), 'faultline', 'scorecards');
}

function inside(dir: string, parent: string): boolean {
  const rel = path.relative(parent, dir);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

export function registerRubric(manager: SessionManager): vscode.Disposable[] {
  const view = new RubricView(manager);
  const tests = new RubricTests(manager);
  return [
    view,
    tests,
    vscode.window.registerTreeDataProvider('faultline.rubric', view),
    vscode.commands.registerCommand(
      'faultline.runRubric',
      guarded(async () => {
        manager.client();
        const stages = manager.workspace?.exercise.manifest.rubric?.stages ?? [];
        let stage: string | undefined;
        if (stages.length > 1) {
          const picked = await vscode.window.showQuickPick(
            [
              { label: 'Every check', id: undefined },
              ...stages.map((s) => ({ label: s.title, description: `stage ${s.id} and the earlier ones`, id: s.id })),
            ],
            { title: 'Faultline: Run Rubric' },
          );
          if (!picked) return;
          stage = picked.id;
        }
        void vscode.commands.executeCommand('workbench.view.testing.focus');
        const score = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: 'Faultline: running the hidden rubric checks', cancellable: true },
          (_progress, token) => tests.run(new vscode.TestRunRequest(), token, stage),
        );
        if (!score) return; // failed (already reported) or cancelled
        void vscode.window.showInformationMessage(
          `Faultline: rubric finished — ${fmt(score.total)} / ${fmt(score.max)}${score.rating ? ` (${score.rating.rating})` : ''}. Results are in the Testing view.`,
        );
      }),
    ),
    vscode.commands.registerCommand(
      'faultline.scoreItem',
      guarded(async (arg: unknown) => {
        const client = manager.client();
        const score = await client.score(null);
        const manual = score.categories.flatMap((c) => c.items.filter((i) => i.kind === 'manual').map((i) => ({ i, c })));
        if (manual.length === 0) throw new FaultlineError('usage', 'this rubric has no manual items');
        let id = typeof arg === 'string' ? arg : (arg as { item?: ItemScore } | undefined)?.item?.id;
        if (!id) {
          const picked = await vscode.window.showQuickPick(
            manual.map(({ i, c }) => ({
              label: i.title,
              description: `${c.title} · ${i.manual ? `${fmt(i.manual.points)}` : '—'} / ${fmt(i.max)}`,
              detail: i.criteria,
              id: i.id,
            })),
            { title: 'Faultline: Score Item', matchOnDetail: true },
          );
          id = picked?.id;
        }
        const target = manual.find((m) => m.i.id === id)?.i;
        if (!target) return;
        const points = await vscode.window.showInputBox({
          title: `Faultline: ${target.title}`,
          prompt: `Points (0–${fmt(target.max)})${target.criteria ? ` — ${target.criteria}` : ''}`,
          value: target.manual ? fmt(target.manual.points) : '',
          validateInput: (v) => {
            const n = Number(v);
            return v.trim() !== '' && Number.isFinite(n) && n >= 0 && n <= target.max ? undefined : `a number from 0 to ${fmt(target.max)}`;
          },
        });
        if (points === undefined) return;
        const note = await vscode.window.showInputBox({
          title: `Faultline: ${target.title} — note`,
          prompt: 'Why this score (goes on the scorecard)',
          value: target.manual?.note ?? '',
        });
        if (note === undefined) return;
        const scored = await client.scoreManual({ item: target.id, points: Number(points), note });
        void vscode.window.showInformationMessage(`Faultline: ${scored.title} scored ${fmt(scored.earned)} / ${fmt(scored.max)}.`);
      }),
    ),
    vscode.commands.registerCommand(
      'faultline.exportScorecard',
      guarded(async () => {
        const client = manager.client();
        const ws = manager.workspace;
        if (!ws) throw new FaultlineError('not-a-workspace', 'no Faultline workspace is open');
        const folder = scorecardsFolder();
        if (inside(path.resolve(folder), ws.dir)) {
          throw new FaultlineError(
            'usage',
            'the scorecards folder is inside the candidate workspace',
            'set "faultline.scorecardsFolder" to a folder the candidate cannot see',
          );
        }
        const card = await client.scorecard({});
        fs.mkdirSync(folder, { recursive: true });
        const stamp = card.generatedAt.replace(/[:]/g, '-').replace(/\..*$/, '');
        const base = path.join(folder, `${path.basename(ws.dir)}-${stamp}`);
        writeFileAtomic(`${base}.html`, renderHtml(card), 0o644);
        writeFileAtomic(`${base}.md`, renderMarkdown(card), 0o644);
        writeFileAtomic(`${base}.json`, JSON.stringify(card, null, 2), 0o644);
        setContext('faultline:scorecardExported', true);
        const choice = await vscode.window.showInformationMessage(
          `Faultline: scorecard saved — ${base}.html (${fmt(card.score.total)} / ${fmt(card.score.max)})`,
          'Open HTML',
          'Open Markdown',
        );
        if (choice === 'Open HTML') await vscode.env.openExternal(vscode.Uri.file(`${base}.html`));
        if (choice === 'Open Markdown') await vscode.window.showTextDocument(vscode.Uri.file(`${base}.md`));
      }),
    ),
  ];
}
