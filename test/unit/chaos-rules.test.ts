/**
 * The chaos engine's pure parts: which requests a fault matches, how the proxy names routes in its
 * metrics, the seeded random source every decision comes from, the latency a fault adds, and how
 * the registry checks a manifest's faults.
 */
import assert from 'node:assert/strict';
import type * as http from 'node:http';
import { describe, it } from 'node:test';
import { checkFault, faultType, FAULT_TYPES, withDefaults } from '../../extension/engine/chaos/faults';
import { matches, replicaListeners } from '../../extension/engine/chaos/faults/common';
import { delay } from '../../extension/engine/chaos/faults/latency';
import { seededRandom } from '../../extension/engine/chaos/random';
import { routeOf } from '../../servers/fault-proxy/proxy';

const req = (method: string, url: string) => ({ method, url }) as http.IncomingMessage;

describe('fault matching', () => {
  it('every request without a match; a method and a path prefix on segment boundaries', () => {
    assert.equal(matches(undefined, req('DELETE', '/x')), true);
    assert.equal(matches({ method: 'post' }, req('POST', '/alerts')), true);
    assert.equal(matches({ method: 'POST' }, req('GET', '/alerts')), false);
    assert.equal(matches({ path: '/alerts' }, req('GET', '/alerts?active_only=true')), true);
    assert.equal(matches({ path: '/alerts' }, req('GET', '/alerts/7')), true);
    assert.equal(matches({ path: '/alerts' }, req('GET', '/alertsx')), false, 'a prefix ends at a segment');
    assert.equal(matches({ path: '/alerts/' }, req('GET', '/alerts/7')), true);
  });

  it('* matches one path segment, and the pattern is anchored', () => {
    const m = { path: '/api/products/*/reserve' };
    assert.equal(matches(m, req('POST', '/api/products/3/reserve')), true);
    assert.equal(matches(m, req('POST', '/api/products/3/4/reserve')), false);
    assert.equal(matches(m, req('POST', '/api/products/3/reserve/x')), false);
    assert.equal(matches({ path: '/a.b/*' }, req('GET', '/aXb/1')), false, 'regex characters are literal');
  });
});

describe('one replica', () => {
  it('a traffic fault with `replica` acts on the per-replica edges #N only; without it, on every listener', () => {
    const all = ['foo', 'ingress->foo', 'ingress->foo#1', 'ingress->foo#2', 'other->foo#1', 'x->foo#12'];
    assert.deepEqual(replicaListeners(all, undefined), all);
    assert.deepEqual(replicaListeners(all, 1), ['ingress->foo#1', 'other->foo#1']);
    assert.deepEqual(replicaListeners(all, 2), ['ingress->foo#2']);
    assert.deepEqual(replicaListeners(all, 3), []);
  });
});

describe('route names in the proxy metrics', () => {
  it('numbers, UUIDs and long hex ids become :id; the query is dropped', () => {
    assert.equal(routeOf('/alerts/42?x=1'), '/alerts/:id');
    assert.equal(routeOf('/orders/3f2b1c4d-1111-2222-3333-444455556666/items'), '/orders/:id/items');
    assert.equal(routeOf('/objects/5f1d7e9a0b2c3d4e5f6a7b8c'), '/objects/:id');
    assert.equal(routeOf('/stocks/AAPL'), '/stocks/AAPL');
    assert.equal(routeOf('/'), '/');
  });
});

describe('seeded randomness', () => {
  it('the same seed gives the same stream; forks are independent and stable', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const seq = (r: ReturnType<typeof seededRandom>) => Array.from({ length: 5 }, () => r.next());
    assert.deepEqual(seq(a), seq(b));
    assert.notDeepEqual(seq(seededRandom(42)), seq(seededRandom(43)));
    assert.deepEqual(seq(seededRandom(42).fork('x')), seq(seededRandom(42).fork('x')));
    assert.notDeepEqual(seq(seededRandom(42).fork('x')), seq(seededRandom(42).fork('y')));
  });

  it('values stay in range and spread out', () => {
    const r = seededRandom(7);
    const draws = Array.from({ length: 2000 }, () => r.int(1, 6));
    assert.ok(draws.every((d) => Number.isInteger(d) && d >= 1 && d <= 6));
    for (let face = 1; face <= 6; face++) {
      const n = draws.filter((d) => d === face).length;
      assert.ok(n > 250 && n < 420, `face ${face}: ${n} of 2000`);
    }
    const u = Array.from({ length: 1000 }, () => r.uniform(-1, 1));
    assert.ok(u.every((x) => x >= -1 && x < 1));
    assert.throws(() => r.pick([]), /empty list/);
  });
});

describe('latency', () => {
  it('adds ms ± jitter, from the random source it is given, never below zero', () => {
    assert.equal(
      delay(300, 0, () => 0.9),
      300,
    );
    assert.equal(
      delay(300, 100, () => 0),
      200,
    );
    assert.equal(
      delay(300, 100, () => 0.5),
      300,
    );
    assert.equal(
      delay(300, 100, () => 0.999999),
      400,
    );
    assert.equal(
      delay(10, 100, () => 0),
      0,
    );
  });
});

describe('the fault registry', () => {
  it('every fault has a summary, a description and a default for every optional parameter it documents', () => {
    for (const f of FAULT_TYPES) {
      assert.ok(f.summary && f.description, f.type);
      assert.equal(faultType(f.type), f);
      assert.doesNotThrow(() => withDefaults(f, {}), f.type);
    }
  });

  it('checks types, targets, parameters and the services parameters name', () => {
    const services = ['api', 'web'];
    assert.deepEqual(checkFault({ type: 'nope' }, services)[0]?.code, 'unknown-fault-type');
    assert.deepEqual(
      checkFault({ type: 'latency' }, services).map((p) => p.message),
      ['fault "latency" needs a "target" service'],
    );
    assert.deepEqual(
      checkFault({ type: 'latency', target: 'api', params: { ms: -1 } }, services).map((p) => p.path),
      [['params', 'ms']],
    );
    assert.deepEqual(checkFault({ type: 'latency', target: 'api', params: { from: 'ghost' } }, services), [
      { path: ['params', 'from'], message: 'unknown service "ghost"', code: 'unknown-service', ref: 'ghost' },
    ]);
    assert.deepEqual(
      checkFault({ type: 'partition', params: { between: ['api', 'db'] } }, services).map((p) => [p.path, p.ref]),
      [[['params', 'between', 1], 'db']],
    );
    assert.deepEqual(
      checkFault({ type: 'down', target: 'api', params: { match: { path: '/x' } } }, services)[0]?.path,
      ['params', 'match'],
      'down takes no match',
    );
  });

  it('capabilities are data: data faults need a database and outlive their session; traffic faults do not', () => {
    const needs = FAULT_TYPES.filter((f) => f.needs?.database).map((f) => f.type);
    assert.deepEqual(needs, ['db_update', 'db_insert', 'seed_rows']);
    assert.deepEqual(
      FAULT_TYPES.filter((f) => f.durable).map((f) => f.type),
      needs,
    );
    assert.deepEqual(faultType('http_error')?.toxic?.limit?.({ firstN: 3 }), 3);
  });
});
