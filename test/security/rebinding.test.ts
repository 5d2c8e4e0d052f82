/**
 * DNS rebinding: a page on another site that resolves its own name to 127.0.0.1 must get nothing
 * from a session's ports. The fault proxy's listeners and the services themselves answer loopback
 * host names only (any port: Live Share and SSH forwards keep the name, not the port).
 */
import * as http from 'node:http';
import * as path from 'node:path';
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { hostAccepted } from '../../extension/engine/protocol/hosts';
import { cliEnv, startUp, tempDir } from '../helpers/index';
import { controlClient, scaffold } from '../helpers/testing';

function get(url: string, host: string, upgrade = false): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = http.request({
      host: u.hostname,
      port: u.port,
      path: u.pathname,
      headers: upgrade ? { host, connection: 'Upgrade', upgrade: 'websocket' } : { host },
      agent: false,
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

test('loopback names pass, other names do not', () => {
  for (const h of [
    '127.0.0.1',
    '127.0.0.1:8080',
    'localhost',
    'localhost:1234',
    'LOCALHOST:1',
    'foo.localhost',
    'foo.localhost:80',
    '[::1]:9',
  ])
    assert.ok(hostAccepted(h), h);
  for (const h of [
    undefined,
    '',
    'evil.example',
    'evil.example:80',
    'localhost.evil.example',
    '127.0.0.1.nip.io',
    'a b',
    'localhost:99999',
  ])
    assert.equal(hostAccepted(h), false, String(h));
  assert.ok(hostAccepted('relay.example:443', new Set(['relay.example'])));
});

test("a session's proxy listeners and services refuse a foreign Host, answer loopback names", async (t) => {
  const home = tempDir(t, 'faultline-home-');
  const env = cliEnv(home);
  const workspace = await scaffold(t, 'price-alerts', { env });
  const up = await startUp(t, workspace, { env, stateFile: path.join(tempDir(t), 'state.json') });
  const status = await controlClient(up.state).status(null);
  const targets = status.services.flatMap((s) => [
    { what: `${s.name} through the proxy`, url: new URL(s.health, s.url).href },
    ...s.instances.map((i) => ({ what: `${s.name}#${i.instance} directly`, url: new URL(s.health, i.url).href })),
  ]);
  assert.ok(targets.length >= 2);
  for (const { what, url } of targets) {
    const port = new URL(url).port;
    assert.equal(await get(url, `127.0.0.1:${port}`), 200, `${what}: 127.0.0.1`);
    assert.equal(await get(url, 'localhost:5999'), 200, `${what}: localhost at a forwarded port`);
    assert.equal(await get(url, `evil.example:${port}`), 421, `${what}: a rebound name`);
    assert.equal(await get(url, `evil.example:${port}`, true), 421, `${what}: a rebound name's WebSocket upgrade`);
  }
});
