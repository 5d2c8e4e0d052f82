/**
 * The candidate-facing side: Open Candidate Portal (the engine's local page with the brief,
 * service URLs, hints received and time left) and Share with Candidate (Live Share when it is
 * there; otherwise the portal link to send along with a screen share).
 */
import * as vscode from 'vscode';
import { FaultlineError } from '../../engine/errors';
import { CANDIDATE_INFO_FILE, type CandidateInfo } from '../../engine/candidateInfo';
import { LIVE_SHARE_ID, type LiveShareLink } from '../liveShare';
import type { SessionManager } from '../session/manager';
import { guarded, output } from '../ui';

/** The portal URL: the host's own session, or (Live Share guest) what the host published in the workspace. */
async function portalUrl(manager: SessionManager): Promise<string> {
  const running = manager.running?.state.portal.url;
  if (running) return running;
  if (manager.role === 'guest') {
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (folder) {
      try {
        const info = JSON.parse(
          new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(folder.uri, CANDIDATE_INFO_FILE))),
        ) as CandidateInfo;
        if (info.portal) return info.portal;
      } catch {
        // not published (yet)
      }
    }
    throw new FaultlineError(
      'not-running',
      'the interviewer has not shared the candidate portal yet',
      'open it from Live Share’s “Shared Servers” list, or ask your interviewer for the link',
    );
  }
  manager.client();
  throw new FaultlineError('not-running', 'the candidate portal is not running');
}

export function registerPortal(manager: SessionManager, liveShare: LiveShareLink): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(
      'faultline.openPortal',
      guarded(async (options?: unknown) => {
        const url = await portalUrl(manager);
        const external = await vscode.env.asExternalUri(vscode.Uri.parse(url));
        output.log?.info(`opening the candidate portal: ${external.toString(true)}`);
        // Beside the brief, inside the editor (a practice window's first view); a browser otherwise.
        const beside = (options as { beside?: unknown } | undefined)?.beside === true;
        if (beside) {
          try {
            // VS Code's built-in Simple Browser (activated by the command itself).
            await vscode.commands.executeCommand('simpleBrowser.api.open', external, {
              viewColumn: vscode.ViewColumn.Beside,
              preserveFocus: true,
            });
            // Keep the keyboard in the editor: keys typed into the portal's page never reach VS
            // Code's keybindings (F1, Ctrl+P…), unlike those typed into an editor or the brief.
            await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
            return;
          } catch (err) {
            output.log?.info(`no Simple Browser here (${err instanceof Error ? err.message : String(err)}): opening a browser instead`);
          }
        }
        await vscode.env.openExternal(external);
      }),
    ),
    vscode.commands.registerCommand(
      'faultline.shareWithCandidate',
      guarded(async () => {
        manager.client();
        const url = await portalUrl(manager);
        if (liveShare.api && liveShare.role === 'host') {
          const shared = await liveShare.ensureShared();
          void vscode.window.showInformationMessage(
            `Faultline: shared ${shared.length} server(s) with your Live Share guests (${shared.map((s) => s.displayName.replace('Faultline: ', '')).join(', ')}). ` +
              'The candidate opens the portal with "Faultline: Open Candidate Portal".',
          );
          return;
        }
        if (liveShare.api || vscode.extensions.getExtension(LIVE_SHARE_ID)) {
          const choice = await vscode.window.showInformationMessage(
            'Faultline: start a Live Share session? Faultline shares every service and the candidate portal with your guest as soon as it starts.',
            'Start Live Share',
            'Copy Portal Link',
          );
          if (choice === 'Start Live Share') await vscode.commands.executeCommand('liveshare.start');
          if (choice === 'Copy Portal Link') await vscode.env.clipboard.writeText(url);
          return;
        }
        await vscode.env.clipboard.writeText(url);
        const choice = await vscode.window.showInformationMessage(
          `Faultline: the candidate portal link (${url}) is on your clipboard. Without Live Share, share your screen and open the portal for the candidate; install Live Share to share the editor itself.`,
          'Open Portal',
          'Get Live Share',
        );
        if (choice === 'Open Portal') await vscode.commands.executeCommand('faultline.openPortal');
        if (choice === 'Get Live Share') await vscode.commands.executeCommand('workbench.extensions.search', LIVE_SHARE_ID);
      }),
    ),
  ];
}
