/**
 * The rubric in the Testing view: one TestController; categories → automatic items → hidden
 * checks (an item with one check is itself the leaf). Running (all, or what is selected) streams
 * the engine's rubric run: a failure shows expected vs actual and the service log excerpt,
 * cancelling stops the run on the engine side, and the run always ends.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scanCheckIds, type DeclaredCheck } from '../../engine/manifest/checkIds';
import type { SessionManager } from '../session/manager';
import { setContext, showError } from '../ui';
import type { CheckResult, RubricEvent, Score } from '../../engine/model/interview';
import { describeRunTime } from '../../engine/rubric/score';

interface LeafData {
  checks: string[];
}

export class RubricTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('faultline.rubric', 'Faultline rubric');
  private readonly leaves = new WeakMap<vscode.TestItem, LeafData>();
  /** Every test item showing a check (a check can score several items). */
  private byCheck = new Map<string, vscode.TestItem[]>();
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly manager: SessionManager) {
    this.controller.createRunProfile(
      'Run rubric',
      vscode.TestRunProfileKind.Run,
      async (request, token) => {
        await this.run(request, token);
      },
      true,
    );
    this.controller.refreshHandler = () => this.build();
    this.subscriptions = [manager.onDidChange(() => this.build())];
    this.build();
  }

  /** (Re)build the tree from the manifest of the open exercise. */
  private build(): void {
    const ws = this.manager.workspace;
    this.byCheck = new Map();
    const rubric = ws?.exercise.manifest.rubric;
    if (!ws || !rubric || this.manager.role === 'guest') {
      this.controller.items.replace([]);
      return;
    }
    const checksDir = ws.exercise.manifest.interviewer.checks;
    const declared = new Map<string, DeclaredCheck>();
    if (checksDir)
      for (const c of scanCheckIds(path.join(ws.exercise.dir, checksDir)).checks) if (!declared.has(c.id)) declared.set(c.id, c);
    const located = (id: string, label: string, checkId?: string) => {
      const d = checkId ? declared.get(checkId) : undefined;
      const item = this.controller.createTestItem(id, label, d ? vscode.Uri.file(d.file) : undefined);
      if (d) item.range = new vscode.Range(d.line - 1, 0, d.line - 1, 0);
      return item;
    };
    const remember = (checkId: string, item: vscode.TestItem) => this.byCheck.set(checkId, [...(this.byCheck.get(checkId) ?? []), item]);
    const categories = rubric.categories
      .map((category) => {
        const cat = this.controller.createTestItem(`category:${category.id}`, category.title);
        cat.description = `${category.points} pt`;
        for (const item of category.items) {
          if (item.kind !== 'auto') continue;
          const refs = item.checks?.map((c) => c.check) ?? (item.check ? [item.check] : []);
          if (refs.length === 1 && refs[0]) {
            const leaf = located(`item:${item.id}`, item.title, refs[0]);
            leaf.description = `${item.points} pt · ${refs[0]}`;
            this.leaves.set(leaf, { checks: refs });
            remember(refs[0], leaf);
            cat.children.add(leaf);
            continue;
          }
          const parent = this.controller.createTestItem(`item:${item.id}`, item.title);
          parent.description = `${item.points} pt`;
          for (const ref of refs) {
            const leaf = located(`check:${item.id}:${ref}`, declared.get(ref)?.title ?? ref, ref);
            leaf.description = ref;
            this.leaves.set(leaf, { checks: [ref] });
            remember(ref, leaf);
            parent.children.add(leaf);
          }
          cat.children.add(parent);
        }
        return cat;
      })
      .filter((c) => c.children.size > 0);
    this.controller.items.replace(categories);
  }

  private collect(request: vscode.TestRunRequest): vscode.TestItem[] {
    const out: vscode.TestItem[] = [];
    const excluded = new Set(request.exclude ?? []);
    const walk = (item: vscode.TestItem) => {
      if (excluded.has(item)) return;
      if (this.leaves.has(item)) out.push(item);
      item.children.forEach(walk);
    };
    if (request.include) request.include.forEach(walk);
    else this.controller.items.forEach(walk);
    return out;
  }

  /**
   * Run the selected checks (or all; or a stage and the earlier ones) and report them in the
   * Testing view. Resolves with the score after a finished run; undefined if it failed or was cancelled.
   */
  async run(request: vscode.TestRunRequest, token: vscode.CancellationToken, stage?: string): Promise<Score | undefined> {
    const leaves = this.collect(request);
    const run = this.controller.createTestRun(request, 'Faultline rubric', false);
    const abort = new AbortController();
    const cancel = token.onCancellationRequested(() => abort.abort());
    try {
      const client = this.manager.client();
      const checkIds = [...new Set(leaves.flatMap((l) => this.leaves.get(l)?.checks ?? []))];
      const everything = !request.include && !request.exclude?.length;
      const selected = new Set(leaves);
      const itemsOf = (check: string) => (this.byCheck.get(check) ?? []).filter((i) => selected.has(i));
      for (const leaf of leaves) run.enqueued(leaf);
      const ran = new Set<vscode.TestItem>();
      run.appendOutput(`Running ${checkIds.length} hidden check(s) against the candidate's services…\r\n`);
      const started = performance.now();
      const results: CheckResult[] = [];
      const result = await client.rubricRun(
        everything ? (stage ? { stage } : {}) : { only: checkIds },
        (e: RubricEvent) => {
          if (e.type === 'check-start') for (const item of itemsOf(e.id)) run.started(item);
          if (e.type === 'check') results.push(e.result);
          if (e.type === 'check')
            for (const item of itemsOf(e.result.id)) {
              ran.add(item);
              this.report(run, item, e.result);
            }
        },
        abort.signal,
      );
      // A stage runs only its own checks and earlier ones: the rest were not part of this run.
      for (const leaf of leaves) if (!ran.has(leaf)) run.skipped(leaf);
      run.appendOutput(
        `\r\nScore: ${result.score.total}/${result.score.max}${result.score.rating ? ` — ${result.score.rating.rating}` : ''}\r\n` +
          `Time: ${describeRunTime(performance.now() - started, results)} (a category's time in this view is that sum)\r\n`,
      );
      setContext('faultline:rubricRan', true);
      return result.aborted ? undefined : result.score;
    } catch (err) {
      if (!token.isCancellationRequested) {
        for (const leaf of leaves) run.errored(leaf, new vscode.TestMessage(err instanceof Error ? err.message : String(err)));
        void showError(err, 'the rubric run failed');
      }
      return undefined;
    } finally {
      cancel.dispose();
      run.end();
    }
  }

  private report(run: vscode.TestRun, item: vscode.TestItem, r: CheckResult): void {
    const log = r.logs.length ? `${r.logs.join('\r\n')}\r\n` : '';
    if (log) run.appendOutput(`[${r.id}] ${log}`, undefined, item);
    if (r.reused) run.appendOutput(`[${r.id}] reused: nothing it depends on changed since the last full run\r\n`, undefined, item);
    if (r.status === 'passed') {
      run.passed(item, r.ms);
      return;
    }
    if (r.status === 'not-run') {
      run.skipped(item);
      return;
    }
    const text = [
      `${r.status === 'timeout' ? 'Timed out: ' : ''}${r.message ?? r.status}`,
      ...(r.serviceLogs?.length ? ['', 'Service log while the check ran:', ...r.serviceLogs] : []),
    ].join('\n');
    const message =
      r.expected !== undefined || r.actual !== undefined
        ? vscode.TestMessage.diff(text, stringify(r.expected), stringify(r.actual))
        : new vscode.TestMessage(text);
    if (item.uri && item.range) message.location = new vscode.Location(item.uri, item.range);
    if (r.status === 'failed') run.failed(item, message, r.ms);
    else run.errored(item, message, r.ms);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.controller.dispose();
  }
}

function stringify(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v, null, 2) ?? String(v));
}
