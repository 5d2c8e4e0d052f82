/**
 * Status bar for the interviewer (and a practising candidate): the interview clock against the
 * planned length, the current phase, and a marker while a chaos mode is active. Never shown to
 * a Live Share guest.
 */
import * as vscode from 'vscode';
import { clock, setContext } from '../ui';
import type { SessionManager } from './manager';
import type { PhaseStatus } from '../../engine/model/interview';

export class SessionStatusBar implements vscode.Disposable {
  private readonly clockItem = vscode.window.createStatusBarItem('faultline.clock', vscode.StatusBarAlignment.Left, 50);
  private readonly chaosItem = vscode.window.createStatusBarItem('faultline.chaos', vscode.StatusBarAlignment.Left, 49);
  private phases: PhaseStatus | undefined;
  private chaos: { mode: string; title: string } | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly manager: SessionManager) {
    this.clockItem.name = 'Faultline interview clock';
    this.clockItem.command = 'faultline.nextPhase';
    this.chaosItem.name = 'Faultline chaos';
    this.chaosItem.command = 'faultline.resetChaos';
    this.chaosItem.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    this.subscriptions = [
      manager.onDidChange(() => void this.refresh()),
      manager.onDidAppend((e) => {
        if (e.type.startsWith('chaos.') || e.type === 'phase.start' || e.type === 'session.start') void this.refresh();
      }),
    ];
    void this.refresh();
  }

  private async refresh(): Promise<void> {
    const visible = this.manager.state === 'running' && this.manager.role !== 'guest';
    if (!visible) {
      this.phases = undefined;
      this.chaos = null;
      setContext('faultline:chaosActive', false);
      this.render();
      return;
    }
    try {
      const client = this.manager.client();
      const [phases, chaos] = await Promise.all([client.phase(null), client.chaosStatus(null)]);
      this.phases = phases;
      this.chaos = chaos.active ? { mode: chaos.active.mode, title: chaos.active.title } : null;
      setContext('faultline:chaosActive', this.chaos !== null);
    } catch {
      // the session is stopping; the next change refreshes again
    }
    this.render();
  }

  private render(): void {
    const p = this.phases;
    if (!p || !p.startedAt) {
      this.clockItem.hide();
      this.chaosItem.hide();
      clearInterval(this.timer);
      this.timer = undefined;
      return;
    }
    const elapsed = Date.now() - Date.parse(p.startedAt);
    const planned = p.durationMinutes * 60_000;
    const index = p.phases.indexOf(p.phases.find((x) => x.id === p.current.id) ?? p.current) + 1;
    this.clockItem.text = `$(watch) ${clock(elapsed)} / ${clock(planned)} · ${index}/${p.phases.length} ${p.current.title}`;
    this.clockItem.tooltip = new vscode.MarkdownString(
      [
        `**Faultline** — ${this.manager.workspace?.exercise.manifest.title ?? ''} (${this.manager.mode})`,
        '',
        ...p.phases.map(
          (x) =>
            `${x.state === 'current' ? '▶' : x.state === 'done' ? '✓' : '·'} ${x.title} — ${x.minutes} min${x.chaos.length ? ` (${x.chaos.join(', ')})` : ''}`,
        ),
        '',
        'Click to start the next phase.',
      ].join('\n\n'),
    );
    this.clockItem.backgroundColor = elapsed > planned ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.clockItem.show();
    if (this.chaos) {
      this.chaosItem.text = `$(flame) ${this.chaos.mode}`;
      this.chaosItem.tooltip = `Chaos mode active: ${this.chaos.title}. Click to reset.`;
      this.chaosItem.show();
    } else {
      this.chaosItem.hide();
    }
    this.timer ??= setInterval(() => this.render(), 1000);
  }

  dispose(): void {
    clearInterval(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.clockItem.dispose();
    this.chaosItem.dispose();
  }
}
