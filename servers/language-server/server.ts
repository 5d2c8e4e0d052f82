/**
 * The language server for exercise manifests (`exercise.json`): diagnostics from the engine's
 * validation (debounced per document), completion, hover and quick fixes. Transport-agnostic:
 * index.ts hands it a connection over stdio or Node IPC.
 */
import { CodeActionKind, TextDocuments, TextDocumentSyncKind, type Connection, type InitializeResult } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions } from './codeActions';
import { completions } from './completion';
import { diagnose } from './diagnostics';
import { hover } from './hover';
import { ManifestModel, manifestFile } from './model';

declare const FAULTLINE_VERSION: string;

export interface ServerOptions {
  /** Quiet time after a change before the document is validated again (default 120 ms). */
  debounceMs?: number;
}

export const DEFAULT_DEBOUNCE_MS = 120;

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const timers = new Map<string, NodeJS.Timeout>();
  /** Version last validated per document, so an open or save does not validate twice. */
  const validated = new Map<string, number>();
  let debounceMs = DEFAULT_DEBOUNCE_MS;

  const model = (uri: string): ManifestModel | undefined => {
    const doc = documents.get(uri);
    const file = manifestFile(uri);
    return doc && file ? new ManifestModel(file, doc) : undefined;
  };

  const cancel = (uri: string) => {
    const timer = timers.get(uri);
    if (timer) clearTimeout(timer);
    timers.delete(uri);
  };

  const validate = (uri: string) => {
    cancel(uri);
    const m = model(uri);
    if (!m) return;
    try {
      const diagnostics = diagnose(m);
      validated.set(uri, m.doc.version);
      void connection.sendDiagnostics({ uri, version: m.doc.version, diagnostics });
    } catch (err) {
      connection.console.error(`validating ${uri}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
  };

  const schedule = (uri: string) => {
    cancel(uri);
    timers.set(
      uri,
      setTimeout(() => validate(uri), debounceMs),
    );
  };

  connection.onInitialize((params): InitializeResult => {
    const options = (params.initializationOptions ?? {}) as ServerOptions;
    if (typeof options.debounceMs === 'number' && options.debounceMs >= 0) debounceMs = options.debounceMs;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        completionProvider: { triggerCharacters: ['"', ':'] },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'faultline-language-server', version: typeof FAULTLINE_VERSION === 'string' ? FAULTLINE_VERSION : '0.0.0-dev' },
    };
  });

  documents.onDidOpen((e) => validate(e.document.uri));
  documents.onDidChangeContent((e) => {
    if (validated.get(e.document.uri) !== e.document.version) schedule(e.document.uri);
  });
  documents.onDidSave((e) => validate(e.document.uri));
  documents.onDidClose((e) => {
    cancel(e.document.uri);
    validated.delete(e.document.uri);
    if (manifestFile(e.document.uri)) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });
  // Check files, the starter or solutions changed on disk: what the manifest refers to may have changed.
  connection.onDidChangeWatchedFiles(() => {
    for (const doc of documents.all()) schedule(doc.uri);
  });

  connection.onCompletion((params) => {
    const m = model(params.textDocument.uri);
    return m ? completions(m, params.position) : [];
  });
  connection.onHover((params) => {
    const m = model(params.textDocument.uri);
    return m ? hover(m, params.position) : null;
  });
  connection.onCodeAction((params) => {
    const m = model(params.textDocument.uri);
    return m ? codeActions(m, params.context.diagnostics) : [];
  });
  connection.onShutdown(() => {
    for (const uri of [...timers.keys()]) cancel(uri);
  });

  documents.listen(connection);
  connection.listen();
}
