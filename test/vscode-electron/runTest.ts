/**
 * Faultline in desktop VS Code (Electron) through @vscode/test-electron: downloads VS Code (or
 * uses FAULTLINE_VSCODE_EXECUTABLE), starts it with this checkout as the extension under
 * development and a fresh profile, and runs the in-host suite (./suite.ts, bundled by esbuild).
 *
 *   npm run test:electron                     download the latest stable VS Code (needs network)
 *   FAULTLINE_VSCODE_VERSION=1.95.0 npm run test:electron
 *   FAULTLINE_VSCODE_EXECUTABLE=/usr/share/code/code npm run test:electron
 *
 * Not part of `npm test`: VS Code cannot be downloaded on machines that only reach the npm
 * registry. There, the code-server tests (`npm test -- e2e`, test/e2e/vscode.ts) drive real VS Code.
 * On Linux without a display run it under `xvfb-run -a`.
 */
import { runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

async function main(): Promise<number> {
  if (!fs.existsSync(path.join(root, 'dist', 'extension.js'))) {
    console.error('dist/extension.js is missing: run npm run build first');
    return 1;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'faultline-vscode-electron-'));
  try {
    // The extension host loads JavaScript: bundle the suite (vscode stays external).
    const suite = path.join(tmp, 'suite.js');
    await esbuild.build({
      entryPoints: [path.join(__dirname, 'suite.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node18',
      external: ['vscode'],
      outfile: suite,
      logLevel: 'warning',
    });
    const workspace = path.join(tmp, 'workspace');
    fs.mkdirSync(workspace);
    const executable = process.env['FAULTLINE_VSCODE_EXECUTABLE'];
    const version = process.env['FAULTLINE_VSCODE_VERSION'];
    return await runTests({
      ...(executable ? { vscodeExecutablePath: executable } : version ? { version } : {}),
      extensionDevelopmentPath: root,
      extensionTestsPath: suite,
      extensionTestsEnv: { FAULTLINE_HOME: path.join(tmp, 'faultline-home') },
      launchArgs: [
        workspace,
        '--user-data-dir',
        path.join(tmp, 'user-data'),
        '--extensions-dir',
        path.join(tmp, 'extensions'),
        '--disable-workspace-trust',
        '--disable-telemetry',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
      ],
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`desktop VS Code tests did not run: ${message}`);
    if (!process.env['FAULTLINE_VSCODE_EXECUTABLE']) {
      console.error(
        'If VS Code cannot be downloaded here, set FAULTLINE_VSCODE_EXECUTABLE to an installed VS Code, or use the code-server tests: npm test -- e2e',
      );
    }
    process.exitCode = 1;
  },
);
