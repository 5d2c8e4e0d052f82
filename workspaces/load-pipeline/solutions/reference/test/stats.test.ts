import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { percentile, summarize } from '../src/stats';
import type { Outcome } from '../src/types';

describe('percentile', () => {
  // From the original pipeline's tests.
  it('p50 and p90 of 1..5', () => {
    const values = [1, 2, 3, 4, 5];
    const p50 = percentile(values, 50);
    const p90 = percentile(values, 90);
    assert.ok(p50 >= 2.5 && p50 <= 3.5, `p50 = ${p50}`);
    assert.ok(p90 >= 4.5 && p90 <= 5, `p90 = ${p90}`);
  });

  it('interpolates between ranks (not nearest-rank)', () => {
    assert.equal(percentile([10, 20], 50), 15);
    assert.equal(percentile([40, 10, 30, 20], 50), 25);
  });

  it('edges: empty, one value, p0 and p100', () => {
    assert.equal(percentile([], 50), 0);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([3, 1, 2], 0), 1);
    assert.equal(percentile([3, 1, 2], 100), 3);
    assert.throws(() => percentile([1], 101), RangeError);
  });
});

describe('summarize', () => {
  it('counts successes of a clean run', () => {
    const outcomes: Outcome[] = [10, 20, 30, 40].map((ms) => ({ host: 'foo.localhost', ok: true, ms, status: 200 }));
    const s = summarize(outcomes, 1000);
    assert.equal(s.requests, 4);
    assert.equal(s.successes, 4);
    assert.equal(s.success_rate, 1);
    assert.equal(s.max_ms, 40);
  });

  it('splits failures into http, timeout and network', () => {
    const outcomes: Outcome[] = [
      { host: 'foo.localhost', ok: true, ms: 5, status: 200 },
      { host: 'foo.localhost', ok: false, ms: 5, status: 503, failure: 'http' },
      { host: 'foo.localhost', ok: false, ms: 1000, failure: 'timeout' },
      { host: 'foo.localhost', ok: false, ms: 1000, failure: 'timeout' },
      { host: 'foo.localhost', ok: false, ms: 1, failure: 'network' },
    ];
    const s = summarize(outcomes, 2000);
    assert.deepEqual(s.failures, { http: 1, timeout: 2, network: 1 });
    assert.equal(s.successes + s.failures.http + s.failures.timeout + s.failures.network, s.requests);
    assert.equal(s.success_rate, 0.2);
    assert.equal(s.max_ms, 5, 'latency is that of successful requests');
  });

  it('rps is requests over the whole duration', () => {
    const outcomes: Outcome[] = Array.from({ length: 10 }, () => ({ host: 'bar.localhost', ok: true, ms: 100, status: 200 }));
    assert.equal(summarize(outcomes, 500).rps, 20);
  });
});
