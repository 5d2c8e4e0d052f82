/**
 * Live Share, when it is installed: the role of this window (host, guest, none) and, on the
 * host, every service port and the candidate portal shared with `shareServer` while a session
 * runs. The API comes from the Live Share extension's exports (`getApi()` from the `vsls` npm
 * package returns null inside a bundled extension, live-share#5045; its `shareService` RPC is
 * allow-listed by Microsoft). Everything works without Live Share.
 */
import * as vscode from 'vscode';
import type { LiveShareRole, SessionManager } from '../session/manager';
import { output } from '../ui';

export const LIVE_SHARE_ID = 'ms-vsliveshare.vsliveshare';

/** The part of the Live Share API Faultline uses (vsls 1.x). Role is 0/1/2 or "None"/"Host"/"Guest". */
export interface LiveShareApi {
  session: { role: number | string; id?: string | null };
  onDidChangeSession: (listener: (e: { session: LiveShareApi['session'] }) => unknown) => vscode.Disposable;
  shareServer: (server: { port: number; displayName?: string; browseUrl?: string }) => Promise<vscode.Disposable>;
}

interface LiveShareExports {
  getApi?: (version: string, callingExtensionId?: string) => Promise<LiveShareApi | null> | LiveShareApi | null;
  getApiAsync?: (version: string) => Promise<LiveShareApi | null>;
}

export async function liveShareApi(extensionId: string): Promise<LiveShareApi | null> {
  const ext = vscode.extensions.getExtension<LiveShareExports>(LIVE_SHARE_ID);
  if (!ext) return null;
  const exports = ext.isActive ? ext.exports : await ext.activate();
  if (!exports) return null;
  const declared = (ext.packageJSON as { version?: unknown }).version;
  const version = typeof declared === 'string' ? declared : '1.0.0';
  if (exports.getApi) return (await exports.getApi(version, extensionId)) ?? null;
  if (exports.getApiAsync) return (await exports.getApiAsync(version)) ?? null;
  return null;
}

export function roleOf(session: LiveShareApi['session'] | undefined): LiveShareRole {
  const r = session?.role;
  if (r === 1 || r === 'Host') return 'host';
  if (r === 2 || r === 'Guest') return 'guest';
  return 'none';
}

export interface SharedServer {
  port: number;
  displayName: string;
  browseUrl: string;
}

/** What the host shares: every service's public address (through the fault proxy) and the portal. */
export function serversToShare(manager: SessionManager, portalUrl: string | undefined): SharedServer[] {
  const state = manager.running?.state;
  if (!state) return [];
  const servers = Object.entries(state.services).map(([name, s]) => ({
    port: Number(new URL(s.url).port),
    displayName: `Faultline: ${name}`,
    browseUrl: s.url,
  }));
  if (portalUrl) servers.push({ port: Number(new URL(portalUrl).port), displayName: 'Faultline: candidate portal', browseUrl: portalUrl });
  return servers;
}

export class LiveShareLink implements vscode.Disposable {
  api: LiveShareApi | null = null;
  private shared: vscode.Disposable[] = [];
  private sharedServers: SharedServer[] = [];
  /** A share in progress: role and state changes arrive in bursts and must not share twice. */
  private sharing: Promise<SharedServer[]> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly manager: SessionManager,
    private readonly extensionId: string,
    private readonly portalUrl: () => string | undefined,
  ) {}

  /** Look for Live Share (now, and when extensions change); never fails activation. */
  async connect(): Promise<void> {
    try {
      this.api = await liveShareApi(this.extensionId);
    } catch (err) {
      output.log?.warn(`Live Share is installed but its API is unavailable: ${String(err)}`);
      this.api = null;
    }
    if (!this.api) return;
    output.log?.info(`Live Share detected (role: ${roleOf(this.api.session)})`);
    this.subscriptions.push(
      this.api.onDidChangeSession((e) => void this.update(e.session)),
      this.manager.onDidChange(() => void this.update(this.api?.session)),
    );
    await this.update(this.api.session);
  }

  get role(): LiveShareRole {
    return roleOf(this.api?.session);
  }

  private async update(session: LiveShareApi['session'] | undefined): Promise<void> {
    const role = roleOf(session);
    this.manager.setLiveShareRole(role);
    const wanted = role === 'host' && this.manager.state === 'running';
    if (!wanted) {
      this.unshare();
      return;
    }
    await this.ensureShared();
  }

  /** Every service and the portal shared with the guests (host only): shared once, then the same list. */
  ensureShared(): Promise<SharedServer[]> {
    if (this.shared.length > 0) return Promise.resolve(this.sharedServers);
    this.sharing ??= this.share().finally(() => (this.sharing = undefined));
    return this.sharing;
  }

  private async share(): Promise<SharedServer[]> {
    if (!this.api || this.role !== 'host') return [];
    this.unshare();
    const servers = serversToShare(this.manager, this.portalUrl());
    for (const s of servers) {
      try {
        this.shared.push(await this.api.shareServer(s));
      } catch (err) {
        output.log?.warn(`Live Share could not share ${s.displayName} (port ${s.port}): ${String(err)}`);
      }
    }
    output.log?.info(`Live Share: shared ${servers.map((s) => `${s.displayName} :${s.port}`).join(', ')}`);
    this.sharedServers = servers;
    return servers;
  }

  private unshare(): void {
    for (const d of this.shared) d.dispose();
    this.shared = [];
    this.sharedServers = [];
  }

  dispose(): void {
    this.unshare();
    for (const s of this.subscriptions) s.dispose();
  }
}
