/**
 * The one session of this window: which Faultline workspace is open, whether its services run,
 * and who is at the keyboard (interviewer, practising candidate, or a Live Share guest). The
 * engine runs the session in the extension host process (its services are child processes on
 * the editor's runtime); views and commands read and act through the session's control API, so
 * the rules (practice locks, manual scoring limits) live in one place.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { takeAutostart, type SessionMode } from '../../engine/autostart';
import type { Catalog, LoadedExercise } from '../../engine/catalog';
import { CANDIDATE_INFO_FILE, type CandidateInfo } from '../../engine/candidateInfo';
import { FaultlineError } from '../../engine/errors';
import type { Install } from '../../engine/install';
import { controlApi } from '../../engine/protocol/control';
import { apiClient, type Client } from '../../engine/protocol/rpc';
import { readState, readToken, sessionDirFor } from '../../engine/session';
import { MARKER_FILE, readMarker, type WorkspaceMarker } from '../../engine/workspace';
import { output, setContext, showError } from '../ui';
import { ServiceLogs } from './logs';
import { editorRuntime } from './runtime';
import type { TimelineEvent } from '../../engine/model/interview';
import type { SupervisorEvent } from '../../engine/supervisor/slot';
import { startSession, type RunningSession } from '../../engine/interview/session';

export type SessionStateName = 'none' | 'stopped' | 'starting' | 'running' | 'stopping';
export type Role = 'interviewer' | 'practice' | 'guest';
export type LiveShareRole = 'none' | 'host' | 'guest';

export interface FaultlineWorkspace {
  dir: string;
  marker: WorkspaceMarker;
  exercise: LoadedExercise;
}

export type ControlClient = Client<typeof controlApi>;

export class SessionManager implements vscode.Disposable {
  private stateName: SessionStateName = 'none';
  private liveShare: LiveShareRole = 'none';
  private session: RunningSession | undefined;
  private control: ControlClient | undefined;
  private lastMode: SessionMode = 'interview';
  private unsubscribe: (() => void) | undefined;
  private stopping: Promise<void> | undefined;
  /** Services that crashed and were reported; cleared when healthy again (one notification per crash spell). */
  private readonly reportedCrashes = new Set<string>();
  /** Services whose missing sandbox the interviewer was told about (once per session). */
  private readonly warnedSandbox = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly appended = new vscode.EventEmitter<TimelineEvent>();
  private readonly serviceEvents = new vscode.EventEmitter<SupervisorEvent>();
  workspace: FaultlineWorkspace | undefined;
  /** A guest waiting for the host to publish the session (see showGuestView). */
  private guestWatcher: vscode.FileSystemWatcher | undefined;
  readonly logs = new ServiceLogs();
  /** State, role or workspace changed. */
  readonly onDidChange = this.changed.event;
  /** Something was recorded on the session timeline (chaos, hints, rubric, phases…). */
  readonly onDidAppend = this.appended.event;
  /** A service started, crashed, recovered or stopped. */
  readonly onServiceEvent = this.serviceEvents.event;

  constructor(
    readonly install: Install,
    readonly catalog: Catalog,
  ) {
    this.refreshWorkspace();
  }

  get state(): SessionStateName {
    return this.stateName;
  }

  get running(): RunningSession | undefined {
    return this.session;
  }

  get mode(): SessionMode {
    return this.session?.state.mode ?? this.lastMode;
  }

  get role(): Role {
    if (this.liveShare === 'guest') return 'guest';
    return this.mode === 'practice' ? 'practice' : 'interviewer';
  }

  setLiveShareRole(role: LiveShareRole): void {
    if (role === this.liveShare) return;
    this.liveShare = role;
    this.publish();
  }

  /** Find the Faultline workspace among the open folders (the first with a marker). */
  refreshWorkspace(): void {
    this.workspace = undefined;
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const dir = folder.uri.fsPath;
      if (!fs.existsSync(path.join(dir, MARKER_FILE))) continue;
      try {
        const marker = readMarker(dir);
        this.workspace = { dir, marker, exercise: this.catalog.get(marker.exercise) };
        try {
          const previous = readState(path.join(sessionDirFor(dir), 'state.json'));
          this.lastMode = previous.mode;
        } catch {
          // never ran: an interview by default
        }
      } catch (err) {
        void showError(err, `${folder.name} looks like a Faultline workspace but cannot be opened`);
      }
      break;
    }
    if (this.stateName === 'none' && this.workspace) this.stateName = 'stopped';
    if (this.stateName === 'stopped' && !this.workspace) this.stateName = 'none';
    this.publish();
  }

  /** The control API of the running session; a clear error when nothing runs (and always for a Live Share guest). */
  client(): ControlClient {
    if (this.liveShare === 'guest') {
      throw new FaultlineError('usage', 'this is for the interviewer: the session runs on the host of this Live Share session');
    }
    if (!this.control || this.stateName !== 'running') {
      throw new FaultlineError(
        'not-running',
        this.workspace ? `the ${this.workspace.exercise.manifest.title} services are not running` : 'no Faultline workspace is open',
        this.workspace ? 'run "Faultline: Start Services"' : 'run "Faultline: New Interview…" or "Faultline: Start Practice…"',
      );
    }
    return this.control;
  }

  /** Start the services if an editor was asked to (New Interview, `faultline new --autostart`). */
  async autostart(): Promise<void> {
    if (this.liveShare === 'guest') return this.showGuestView();
    if (!this.workspace) return;
    const mode = takeAutostart(this.workspace.dir);
    if (!mode) return;
    this.lastMode = mode;
    await this.showFirstView(mode);
    await this.start(mode);
    if (mode === 'practice') {
      await vscode.commands.executeCommand('faultline.openPortal', { beside: true });
      output.log?.info('first view: the brief and the candidate portal');
    }
  }

  /**
   * A Live Share guest (the candidate) first sees the brief and, beside it, the candidate portal,
   * both from what the host published in the shared workspace (`.faultline/session.json`).
   */
  private async showGuestView(): Promise<void> {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) return;
    const file = vscode.Uri.joinPath(folder.uri, CANDIDATE_INFO_FILE);
    let info: Partial<CandidateInfo> = {};
    try {
      info = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))) as Partial<CandidateInfo>;
    } catch {
      // Not published yet (the guest joined before the interviewer started the services): once it is.
      if (this.guestWatcher) return;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, CANDIDATE_INFO_FILE));
      this.guestWatcher = watcher;
      const once = () => {
        watcher.dispose();
        void this.showGuestView();
      };
      watcher.onDidCreate(once);
      watcher.onDidChange(once);
      return;
    }
    try {
      const brief = (info.exercise && this.catalog.exercises.find((e) => e.manifest.id === info.exercise)?.manifest.brief) || 'README.md';
      await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.joinPath(folder.uri, brief));
      if (info.portal) await vscode.commands.executeCommand('faultline.openPortal', { beside: true });
      output.log?.info('first view: the brief and the candidate portal');
    } catch (err) {
      output.log?.warn(`could not open the brief and the portal: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /**
   * What a window opened for an interview shows first: the Faultline view (the interviewer's
   * controls; the guide is one click away in its title bar) and the brief as a Markdown preview.
   * Practice adds the candidate portal beside it once the services run.
   */
  private async showFirstView(mode: SessionMode): Promise<void> {
    const ws = this.workspace;
    if (!ws) return;
    try {
      if (mode === 'interview') await vscode.commands.executeCommand('workbench.view.extension.faultline');
      const brief = vscode.Uri.file(path.join(ws.dir, ws.exercise.manifest.brief));
      await vscode.commands.executeCommand('markdown.showPreview', brief);
    } catch (err) {
      output.log?.warn(`could not open the brief: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  async start(mode: SessionMode = this.mode): Promise<void> {
    const ws = this.workspace;
    if (!ws) throw this.noWorkspace();
    if (this.liveShare === 'guest') throw new FaultlineError('usage', 'the services run on the host of this Live Share session');
    if (this.stopping) await this.stopping;
    if (this.stateName === 'running' || this.stateName === 'starting') return;
    const exercise = ws.exercise.manifest;
    this.lastMode = mode;
    this.setState('starting');
    this.logs.configure(exercise);
    try {
      const runtime = editorRuntime(this.install, exercise.runtime?.node ?? 18);
      const session = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Faultline: starting ${exercise.title}${mode === 'practice' ? ' (practice)' : ''}`,
          cancellable: true,
        },
        async (progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort());
          try {
            return await startSession({
              install: this.install,
              workspace: ws.dir,
              runtime,
              practice: mode === 'practice',
              requireSandbox: vscode.workspace.getConfiguration('faultline').get<boolean>('requireSandbox') === true,
              signal: abort.signal,
              onLog: (r) => this.logs.append(r),
              onEvent: (e) => this.onSupervisorEvent(e, progress),
              onProgress: (message) => {
                output.log?.info(message);
                progress.report({ message });
              },
            });
          } finally {
            sub.dispose();
          }
        },
      );
      this.session = session;
      this.control = apiClient(controlApi, session.state.control.url, readToken(session.state), 30_000);
      this.unsubscribe = session.timeline.onAppend((e) => this.appended.fire(e));
      void session.stopRequested.then(() => this.stop());
      output.log?.info(
        `${exercise.title} is running (${mode}, Node ${runtime.version} from ${runtime.source}): ` +
          Object.entries(session.state.services)
            .map(([name, s]) => `${name} ${s.url}`)
            .join(', '),
      );
      this.setState('running');
    } catch (err) {
      this.setState(this.workspace ? 'stopped' : 'none');
      throw err;
    }
  }

  /** Stop the services; every caller (a command, deactivation, `faultline stop`) waits for the same stop. */
  stop(): Promise<void> {
    const session = this.session;
    if (!session) return Promise.resolve();
    this.stopping ??= (async () => {
      this.setState('stopping');
      try {
        await session.stop();
      } finally {
        this.unsubscribe?.();
        this.unsubscribe = undefined;
        this.session = undefined;
        this.control = undefined;
        this.stopping = undefined;
        this.reportedCrashes.clear();
        this.warnedSandbox.clear();
        this.setState(this.workspace ? 'stopped' : 'none');
      }
    })();
    return this.stopping;
  }

  private onSupervisorEvent(e: SupervisorEvent, progress?: vscode.Progress<{ message?: string }>): void {
    if (this.stateName === 'starting' && e.type === 'healthy') progress?.report({ message: `${e.service} is healthy` });
    if (e.type === 'healthy') this.reportedCrashes.delete(e.service);
    if (e.type === 'sandbox' && !e.report.enforced && this.role !== 'guest' && !this.warnedSandbox.has(e.service)) {
      this.warnedSandbox.add(e.service);
      const what = `${e.service} runs candidate code without a sandbox (${e.report.detail}): it can read your files and run programs as you.`;
      output.log?.warn(what);
      void vscode.window
        .showWarningMessage(`Faultline: ${what} Use Node.js 22.13+ for the services.`, 'Set faultline.nodePath')
        .then((c) => {
          if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'faultline.nodePath');
        });
    }
    if ((e.type === 'crashed' || e.type === 'failed') && this.stateName === 'running' && !this.reportedCrashes.has(e.service)) {
      this.reportedCrashes.add(e.service);
      const what =
        e.type === 'crashed'
          ? `${e.service} crashed: ${e.crash.summary}${e.restartInMs !== undefined ? ' — restarting' : ''}`
          : `${e.service} stopped restarting: ${e.reason}`;
      output.log?.warn(what);
      if (this.role !== 'guest') {
        void vscode.window.showWarningMessage(`Faultline: ${what}`, 'Open Logs').then((choice) => {
          if (choice === 'Open Logs') this.logs.show(e.service);
        });
      }
    }
    this.serviceEvents.fire(e);
  }

  private noWorkspace(): FaultlineError {
    return new FaultlineError(
      'not-a-workspace',
      'no Faultline workspace is open',
      'run "Faultline: New Interview…" or "Faultline: Start Practice…"',
    );
  }

  private setState(state: SessionStateName): void {
    this.stateName = state;
    this.publish();
  }

  private publish(): void {
    setContext('faultline:workspace', this.workspace !== undefined || this.liveShare === 'guest');
    setContext('faultline:session', this.stateName);
    setContext('faultline:role', this.role);
    this.changed.fire();
  }

  dispose(): void {
    this.guestWatcher?.dispose();
    void this.stop();
    this.logs.dispose();
    this.changed.dispose();
    this.appended.dispose();
    this.serviceEvents.dispose();
  }
}
