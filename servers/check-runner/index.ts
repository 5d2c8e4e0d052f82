/**
 * Hidden-check runner process: started by the engine for one rubric run, on the services'
 * runtime, with the run configuration in FAULTLINE_CHECK_RUN. Answers `load`, `warm`, `run` and
 * `close` over IPC.
 * TypeScript check files are compiled on the fly with the sucrase shipped with Faultline.
 */
import * as path from 'node:path';
import type { CheckRunnerIpc } from '../../extension/engine/model/ipc';
import { serveIpc } from '../../extension/engine/protocol/ipc';
import { Harness, type RunConfig } from './harness';

function main(): void {
  const raw = process.env['FAULTLINE_CHECK_RUN'];
  if (!raw || typeof process.send !== 'function') {
    console.error('ERROR the check runner only runs under the Faultline engine (FAULTLINE_CHECK_RUN and IPC are required)');
    process.exit(2);
  }
  const config = JSON.parse(raw) as RunConfig;
  // Faultline's own sucrase compiles the TypeScript check files (the exercise has no node_modules).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(path.join(config.modules, 'sucrase', 'register', 'ts'));
  const harness = new Harness(config);
  serveIpc<typeof CheckRunnerIpc>({
    load: () => harness.load(),
    run: ({ id }) => harness.run(id),
    warm: () => {
      harness.warm();
      return {};
    },
    close: () => {
      harness.close();
      return {};
    },
  });
  // The preload unrefs the IPC channel; the runner lives until the engine is done with it.
  process.channel?.ref();
}

main();
