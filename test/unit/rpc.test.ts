import assert from 'node:assert/strict';
import * as http from 'node:http';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { FaultlineError } from '../../extension/engine/errors';
import { apiClient, newToken, route, serveApi } from '../../extension/engine/protocol/rpc';

const api = {
  add: route({
    method: 'POST',
    path: '/v1/add',
    description: 'adds',
    request: Type.Object({ a: Type.Number(), b: Type.Number() }),
    response: Type.Object({ sum: Type.Number() }),
  }),
  boom: route({ method: 'GET', path: '/v1/boom', description: 'fails', request: Type.Null(), response: Type.Object({}) }),
};

function rawRequest(url: string, init: { method: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(url, { method: init.method, headers: init.headers ?? {} }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

describe('typed control RPC', () => {
  it('serves typed routes to a client with the token and rejects everyone else', async (t) => {
    const token = newToken();
    const served = await serveApi(
      api,
      {
        add: ({ a, b }) => ({ sum: a + b }),
        boom: () => {
          throw new FaultlineError('usage', 'no such thing', 'try another');
        },
      },
      { token },
    );
    t.after(() => served.close());
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+$/);

    const client = apiClient(api, served.url, token);
    assert.deepEqual(await client.add({ a: 2, b: 3 }), { sum: 5 });
    await assert.rejects(client.boom(null), (e: unknown) => e instanceof FaultlineError && e.code === 'usage' && e.hint === 'try another');

    const missing = await rawRequest(served.url + '/v1/add', { method: 'POST', body: '{"a":1,"b":2}' });
    assert.equal(missing.status, 401);
    const wrong = await apiClient(api, served.url, newToken())
      .add({ a: 1, b: 2 })
      .catch((e: unknown) => e);
    assert.ok(wrong instanceof FaultlineError && wrong.code === 'control-unauthorized');

    const rebinding = await rawRequest(served.url + '/v1/add', {
      method: 'POST',
      headers: { host: 'evil.example:80', authorization: `Bearer ${token}` },
      body: '{"a":1,"b":2}',
    });
    assert.equal(rebinding.status, 403);

    const invalid = await rawRequest(served.url + '/v1/add', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: '{"a":"one","b":2}',
    });
    assert.equal(invalid.status, 400);
    assert.match(invalid.body, /invalid request at \/a/);

    const unknown = await rawRequest(served.url + '/v1/nope', { method: 'GET', headers: { authorization: `Bearer ${token}` } });
    assert.equal(unknown.status, 404);
  });

  it('cancels a stream route when the caller aborts, and the server sees it', async (t) => {
    const token = newToken();
    const streamApi = {
      count: route({
        method: 'POST',
        path: '/v1/count',
        description: 'counts until cancelled',
        request: Type.Object({}),
        response: Type.Object({ n: Type.Number() }),
        stream: Type.Object({ n: Type.Number() }),
      }),
    };
    let serverSawAbort: () => void = () => undefined;
    const aborted = new Promise<void>((resolve) => (serverSawAbort = resolve));
    const served = await serveApi(
      streamApi,
      {
        count: (_req, { emit, signal }) =>
          new Promise((resolve) => {
            let n = 0;
            const timer = setInterval(() => emit({ n: ++n }), 5);
            signal.addEventListener('abort', () => {
              clearInterval(timer);
              serverSawAbort();
              resolve({ n });
            });
          }),
      },
      { token },
    );
    t.after(() => served.close());
    const controller = new AbortController();
    const events: number[] = [];
    const run = apiClient(streamApi, served.url, token).count(
      {},
      (e) => {
        events.push(e.n);
        if (e.n === 3) controller.abort();
      },
      controller.signal,
    );
    await assert.rejects(run, (e: unknown) => e instanceof FaultlineError && e.code === 'cancelled');
    await aborted;
    assert.deepEqual(events.slice(0, 3), [1, 2, 3]);
  });

  it('reports a dead endpoint as not running', async () => {
    const served = await serveApi(api, { add: ({ a, b }) => ({ sum: a + b }), boom: () => ({}) }, { token: 't' });
    await served.close();
    await assert.rejects(
      apiClient(api, served.url, 't').add({ a: 1, b: 1 }),
      (e: unknown) => e instanceof FaultlineError && e.code === 'not-running',
    );
  });
});

describe('fault proxy link', () => {
  it('says clearly that the fault proxy is not answering', async () => {
    const { ProxyLink } = await import('../../extension/engine/supervisor/proxyLink');
    const served = await serveApi(api, { add: ({ a, b }) => ({ sum: a + b }), boom: () => ({}) }, { token: 't' });
    await served.close();
    const link = new ProxyLink(served.url, 't');
    await assert.rejects(
      link.addFault({ id: 'f', type: 'latency', listeners: ['x'], probability: 1, seed: 1, params: {} }),
      (e: unknown) =>
        e instanceof FaultlineError &&
        e.code === 'not-running' &&
        /the fault proxy is not answering \(add fault: nothing is listening/.test(e.message) &&
        /restarts it by itself/.test(e.hint ?? ''),
    );
  });
});
