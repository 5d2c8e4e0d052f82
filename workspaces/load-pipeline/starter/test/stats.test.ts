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

  // TODO: a test that tells linear interpolation from nearest-rank (e.g. two values).
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

  // TODO: a test that failures are split into http, timeout and network, and that successes +
  // failures = requests.
  // TODO: a test that rps is requests over the whole duration (not over the sum of latencies).
});
