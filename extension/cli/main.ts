/**
 * `faultline` — the command-line face of the engine. Thin: parse arguments, call the engine,
 * print results. Every failure is a FaultlineError with a message, a hint and an exit status.
 * This file is the usage text and the dispatch; the commands live in `commands/`.
 */
import * as path from 'node:path';
import { FaultlineError, errorMessage, exitCodeFor } from '../engine/errors';
import { installAt, type Install } from '../engine/install';
import type { Io } from './common';
import { cmdInitExercise, cmdTestExercise, cmdValidate } from './commands/authoring';
import { cmdCheck, cmdChaos, cmdHint, cmdPhase, cmdScore, cmdScorecard } from './commands/interview';
import { cmdEnv, cmdLogs, cmdRestart, cmdStatus, cmdStop, cmdTimeline, cmdUp } from './commands/session';
import { cmdList, cmdNew, cmdOpen, cmdPortal } from './commands/workspace';
import { detectColor, paint, style } from './ui';

declare const FAULTLINE_VERSION: string;
const VERSION = typeof FAULTLINE_VERSION === 'string' ? FAULTLINE_VERSION : '0.0.0-dev';

const USAGE = `faultline ${VERSION} — chaos-engineering interview rooms

Usage:
  faultline list [--json]                              exercises you can run
  faultline new <exercise> <dir> [--solution NAME] [--ai allowed|off] [--autostart interview|practice]
                                                       create a candidate workspace
  faultline open <dir> [--practice] [--no-editor]      hand it to VS Code, which starts its services
  faultline up [<dir>] [--state FILE] [--node PATH] [--fresh] [--practice] [--require-sandbox] [--chaos MODE [--seed N]]
                                                       run its services in the foreground
  faultline status [<dir>] [--state FILE] [--json]     what is running, live health
  faultline env [<dir>] [--json]                       services' public addresses: eval "$(faultline env)" sets INGRESS_URL, …
  faultline logs <service> [<dir>] [--state FILE] [-n N]
  faultline restart <service> [<dir>] [--state FILE]
  faultline chaos <mode|reset|status> [<dir>] [--state FILE] [--seed N] [--json]
                                                       break things on purpose, at runtime
  faultline hint <ladder|list> [<dir>] [--state FILE] [--level mild|medium|strong]
                                                       send the candidate the next hint
  faultline phase [next|<phase>] [<dir>] [--state FILE] [--json]
                                                       the interview clock; move to the next phase
  faultline check [<dir>] [--state FILE] [--stage S] [--only ID,…] [--changed] [--json] [--md FILE] [--html FILE]
                                                       run the hidden rubric checks, write the scorecard
  faultline score <item> <points> [<dir>] [--state FILE] --note TEXT
                                                       score a manual rubric item
  faultline scorecard [<dir>] [--state FILE] [--json] [--md FILE] [--html FILE]
  faultline timeline [<dir>] [--state FILE] [--json] [--follow]
                                                       what happened: chaos, hints, phases, tests, rubric runs
  faultline portal [<dir>] [--state FILE] [--open]     the candidate portal's URL (brief, services, hints, time left)
  faultline stop [<dir>] [--state FILE]
  faultline validate [<exercise dir>...]               check exercise manifests
  faultline init-exercise <dir> [--id ID] [--title TITLE]
                                                       start a new exercise from a working skeleton
  faultline test-exercise <id|dir> [--only VARIANT,…] [--no-package-tests] [--json]
                                                       score every solution and the starter; run the package's tests

Environment: FAULTLINE_NODE (Node.js for services), FAULTLINE_HOME (session folders),
FAULTLINE_REQUIRE_SANDBOX=1 (refuse to run candidate code unsandboxed), NO_COLOR.
`;

// --- entry ------------------------------------------------------------------------------------

export async function main(argv: string[], install: Install): Promise<number> {
  const io: Io = {
    out: (l) => process.stdout.write(l + '\n'),
    err: (l) => process.stderr.write(l + '\n'),
    s: style(detectColor(process.stdout)),
    errStyle: style(detectColor(process.stderr)),
  };
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'list':
        return cmdList(install, rest, io);
      case 'new':
        return await cmdNew(install, rest, io);
      case 'up':
        return await cmdUp(install, rest, io);
      case 'status':
        return await cmdStatus(rest, io);
      case 'env':
        return cmdEnv(rest, io);
      case 'portal':
        return cmdPortal(rest, io);
      case 'stop':
        return await cmdStop(rest, io);
      case 'restart':
        return await cmdRestart(rest, io);
      case 'logs':
        return await cmdLogs(rest, io);
      case 'chaos':
        return await cmdChaos(rest, io);
      case 'hint':
        return await cmdHint(rest, io);
      case 'phase':
        return await cmdPhase(rest, io);
      case 'open':
        return cmdOpen(rest, io);
      case 'check':
        return await cmdCheck(rest, io);
      case 'score':
        return await cmdScore(rest, io);
      case 'timeline':
        return await cmdTimeline(rest, io);
      case 'scorecard':
        return await cmdScorecard(rest, io);
      case 'validate':
        return cmdValidate(install, rest, io);
      case 'init-exercise':
        return await cmdInitExercise(install, rest, io);
      case 'test-exercise':
        return await cmdTestExercise(install, rest, io);
      case '--version':
      case '-v':
        io.out(VERSION);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.out(USAGE);
        return command === undefined ? 64 : 0;
      default:
        throw new FaultlineError('usage', `unknown command "${command}"`, 'run `faultline --help` for the list of commands');
    }
  } catch (err) {
    const e = err instanceof FaultlineError ? err : new FaultlineError('io', errorMessage(err));
    io.err(`${paint.red(io.errStyle, 'faultline: error:')} ${e.message}`);
    if (e.hint) io.err(`  ${paint.dim(io.errStyle, 'hint:')} ${e.hint}`);
    if (e.details) io.err(e.details.replace(/^/gm, '  | '));
    if (!(err instanceof FaultlineError) && err instanceof Error && process.env['FAULTLINE_DEBUG']) io.err(err.stack ?? '');
    return exitCodeFor(e.code);
  }
}

if (require.main === module) {
  const root = path.resolve(__dirname, '..');
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
  void main(process.argv.slice(2), installAt(root, VERSION)).then((code) => {
    process.exitCode = code;
  });
}
