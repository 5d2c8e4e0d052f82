/**
 * The services' output on its way to the candidate portal: only the exercise's own services'
 * stdout/stderr, the recent lines kept for a page that connects, and floods cut into bounded
 * batches with a count of what was left out.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortalLogFeed, type LogBatch } from '../../extension/engine/portal/logFeed';
import type { LogRecord } from '../../extension/engine/model/services';

const record = (service: string, message: string, stream: LogRecord['stream'] = 'stdout'): LogRecord => ({
  time: 1_700_000_000_000,
  service,
  instance: 1,
  level: 'info',
  stream,
  message,
});

describe('portal log feed', () => {
  it("passes the exercise's services' output and nothing of Faultline's", () => {
    const feed = new PortalLogFeed(['api']);
    feed.push(record('api', 'listening'));
    feed.push(record('api', 'boom', 'stderr'));
    feed.push(record('api', '[faultline] restarted after a crash', 'supervisor'));
    feed.push(record('fault-proxy', 'latency on api'));
    feed.push(record('chaos', 'chaos_race active', 'supervisor'));
    feed.push(record('db-agent', 'patched 5 rows'));
    assert.deepEqual(
      feed.recent().map((l) => [l.service, l.text]),
      [
        ['api', 'listening'],
        ['api', 'boom'],
      ],
    );
    feed.close();
  });

  it('keeps the recent lines, and cuts a flood into one bounded batch with a skipped count', async () => {
    const feed = new PortalLogFeed(['api'], 300, 10, 200);
    const batch = new Promise<LogBatch>((resolve) => feed.subscribe(resolve));
    for (let i = 0; i < 500; i++) feed.push(record('api', `line ${i}`));
    const b = await batch;
    assert.equal(b.lines.length, 200);
    assert.equal(b.skipped, 300);
    assert.equal(b.lines[0]?.text, 'line 0');
    const recent = feed.recent();
    assert.equal(recent.length, 300);
    assert.equal(recent[0]?.text, 'line 200');
    assert.equal(recent.at(-1)?.text, 'line 499');
    feed.close();
  });
});
