/**
 * npm run load-test -- [--target URL] [--requests 200] [--concurrency 1] [--timeout-ms 10000]
 *                      [--warm-up-retries 20] [--hosts …] [--seed N] [--json FILE] [--md FILE]
 * Warm-up, then randomized traffic across the hosts; prints the Markdown table and writes the
 * JSON and Markdown reports (default data/artifacts/load-test.json and .md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_HOSTS, Flags, runMain, targetOf } from './args';
import { closeConnections } from './http';
import { renderMarkdown } from './report';
import { runLoadTest } from './runner';
import { updateState } from './state';
import { summarize } from './stats';
import type { Report } from './types';

const FLAGS = {
  target: { help: 'ingress URL (default $INGRESS_URL)' },
  requests: { help: 'measured requests (default 200)' },
  concurrency: { help: 'requests in flight at once (default 1)' },
  'timeout-ms': { help: 'per-request timeout (default 10000)' },
  'warm-up-retries': { help: 'warm-up tries per host (default 20)' },
  hosts: { help: 'comma-separated Host names' },
  seed: { help: 'random seed (default: time)' },
  json: { help: 'JSON report file' },
  md: { help: 'Markdown report file' },
};

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  fs.writeFileSync(file, text);
}

runMain(async () => {
  const flags = Flags.parse(process.argv.slice(2), FLAGS);
  const opts = {
    target: targetOf(flags),
    hosts: flags.list('hosts', DEFAULT_HOSTS),
    requests: flags.int('requests', 200, 1),
    concurrency: flags.int('concurrency', 1, 1),
    timeoutMs: flags.int('timeout-ms', 10_000, 1),
    warmUpRetries: flags.int('warm-up-retries', 20, 1),
    seed: flags.int('seed', Date.now() % 2 ** 31, 0),
  };
  const jsonFile = flags.string('json', path.join('data', 'artifacts', 'load-test.json')) as string;
  const mdFile = flags.string('md', path.join('data', 'artifacts', 'load-test.md')) as string;
  const startedAt = new Date().toISOString();
  try {
    const run = await runLoadTest(opts);
    const hosts: Report['hosts'] = {};
    for (const host of opts.hosts)
      hosts[host] = summarize(
        run.outcomes.filter((o) => o.host === host),
        run.durationMs,
      );
    const report: Report = {
      target: opts.target,
      seed: opts.seed,
      concurrency: opts.concurrency,
      timeout_ms: opts.timeoutMs,
      started_at: startedAt,
      duration_ms: run.durationMs,
      warmup_requests: run.warmupRequests,
      hosts,
      combined: summarize(run.outcomes, run.durationMs),
    };
    const markdown = renderMarkdown(report);
    write(jsonFile, JSON.stringify(report, null, 2) + '\n');
    write(mdFile, markdown);
    console.log(markdown);
    updateState({
      target: opts.target,
      hosts: opts.hosts,
      load_test: { at: startedAt, json: jsonFile, md: mdFile, combined: report.combined },
    });
    return 0;
  } finally {
    closeConnections();
  }
});
