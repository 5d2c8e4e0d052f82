/**
 * npm run wait-healthy -- [--target URL] [--hosts foo.localhost,bar.localhost] [--retries 20]
 *                         [--delay-ms 5000] [--deadline-ms N]
 * Exits 0 once every host answers 200 through the ingress; otherwise non-zero within its deadline,
 * with one line per host saying what it last saw.
 */
import { DEFAULT_HOSTS, Flags, runMain, targetOf } from './args';
import { waitHealthy } from './health';
import { closeConnections } from './http';
import { updateState } from './state';

const FLAGS = {
  target: { help: 'ingress URL (default $INGRESS_URL)' },
  hosts: { help: 'comma-separated Host names' },
  retries: { help: 'tries per host (default 20)' },
  'delay-ms': { help: 'pause between tries (default 5000)' },
  'deadline-ms': { help: 'give up after this long (default retries × delay + 10 s)' },
};

runMain(async () => {
  const flags = Flags.parse(process.argv.slice(2), FLAGS);
  const retries = flags.int('retries', 20, 1);
  const delayMs = flags.int('delay-ms', 5000, 0);
  const opts = {
    target: targetOf(flags),
    hosts: flags.list('hosts', DEFAULT_HOSTS),
    retries,
    delayMs,
    deadlineMs: flags.int('deadline-ms', retries * delayMs + 10_000, 1),
  };
  try {
    const result = await waitHealthy(opts);
    for (const line of result.lines) (result.ok ? console.log : console.error)(line);
    updateState({ target: opts.target, hosts: opts.hosts, health: { ok: result.ok, at: new Date().toISOString(), lines: result.lines } });
    return result.ok ? 0 : 1;
  } finally {
    closeConnections();
  }
});
