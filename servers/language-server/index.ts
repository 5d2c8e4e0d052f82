/**
 * Faultline language server for exercise manifests. Started by the VS Code extension over Node IPC
 * (`--node-ipc`), or by any LSP client over stdio (`--stdio`):
 *
 *   node dist/servers/language-server.js --stdio
 */
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const transports = ['--stdio', '--node-ipc', '--socket=', '--pipe='];
if (!process.argv.slice(2).some((a) => transports.some((t) => a === t || (t.endsWith('=') && a.startsWith(t))))) {
  process.stderr.write('usage: language-server.js --stdio | --node-ipc | --socket=<port> | --pipe=<name>\n');
  process.exit(2);
}

startServer(createConnection(ProposedFeatures.all));
