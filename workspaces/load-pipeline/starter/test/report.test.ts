import assert from 'node:assert/strict';
import { it } from 'node:test';
import { MARKDOWN_HEADER, renderMarkdown } from '../src/report';
import type { HostStats, Report } from '../src/types';

const stats = (requests: number): HostStats => ({
  requests,
  successes: requests - 1,
  success_rate: (requests - 1) / requests,
  rps: requests / 2,
  avg_ms: 12.5,
  p50_ms: 10,
  p90_ms: 20,
  p95_ms: 30,
  p99_ms: 40,
  max_ms: 50,
  failures: { http: 1, timeout: 0, network: 0 },
});

it('the Markdown report has the header, one row per host and the combined row', () => {
  const report: Report = {
    target: 'http://127.0.0.1:1',
    seed: 1,
    concurrency: 1,
    timeout_ms: 1000,
    started_at: new Date(0).toISOString(),
    duration_ms: 2000,
    warmup_requests: 2,
    hosts: { 'foo.localhost': stats(4), 'bar.localhost': stats(6) },
    combined: stats(10),
  };
  const lines = renderMarkdown(report).trim().split('\n');
  assert.equal(lines[0], MARKDOWN_HEADER);
  assert.match(lines[1] ?? '', /^\|[-| :]+\|$/);
  assert.match(lines[2] ?? '', /^\| foo\.localhost \| 4 \|/);
  assert.match(lines[3] ?? '', /^\| bar\.localhost \| 6 \|/);
  assert.match(lines[4] ?? '', /^\| all \| 10 \|/);
});
