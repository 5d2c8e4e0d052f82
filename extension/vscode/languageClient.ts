/**
 * Starts the manifest language server (`dist/servers/language-server.js`) for `exercise.json`
 * files: diagnostics (the same validation as `faultline validate`), completion, hover and quick
 * fixes. The server runs in its own Node process over IPC; VS Code only talks LSP to it.
 */
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export const LANGUAGE_SERVER_BUNDLE = 'dist/servers/language-server.js';

export interface ManifestLanguageClient extends vscode.Disposable {
  readonly client: LanguageClient;
  /** Resolves when the server answered `initialize` (rejects if it could not start). */
  readonly ready: Promise<void>;
}

export function startLanguageClient(context: vscode.ExtensionContext): ManifestLanguageClient {
  const module = context.asAbsolutePath(LANGUAGE_SERVER_BUNDLE);
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  // Manifests refer to hidden checks (re-read when a check file changes) and to files and folders
  // (re-checked when something is created or deleted).
  const checks = vscode.workspace.createFileSystemWatcher('**/*.check.{ts,js}');
  const files = vscode.workspace.createFileSystemWatcher('**/*', false, true, false);
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'json', pattern: '**/exercise.json' }],
    synchronize: { fileEvents: [checks, files] },
  };
  const client = new LanguageClient('faultline.manifest', 'Faultline manifests', serverOptions, clientOptions);
  const ready = client.start();
  ready.catch((err: unknown) => {
    void vscode.window.showErrorMessage(
      `Faultline: the manifest language server did not start: ${err instanceof Error ? err.message : String(err)}`,
    );
  });
  const handle: ManifestLanguageClient = {
    client,
    ready,
    dispose: () => {
      checks.dispose();
      files.dispose();
      // Stopping waits for the server's shutdown answer; VS Code awaits a returned promise on deactivate.
      return client.stop();
    },
  };
  context.subscriptions.push(handle);
  return handle;
}
