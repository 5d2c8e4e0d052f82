/**
 * The bundled MQTT broker (servers/broker) as the supervisor runs it — the built bundle, with the
 * preload, on port 0 — and the `duplicate_delivery` fault's effect inside it: MQTT and HTTP on one
 * port, QoS 1 delivery, every message delivered twice while the preload setting is on (set at
 * start-up and over the preload's IPC, as the chaos engine does), once again when it is off.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import { connect, type MqttClient } from 'mqtt';
import * as fs from 'node:fs';
import { validateManifestText } from '../../extension/engine/manifest/validate';
import type { PreloadIpc } from '../../extension/engine/model/ipc';
import { IpcClient } from '../../extension/engine/protocol/ipc';
import { repoRoot } from '../helpers';

const dist = path.join(repoRoot, 'dist', 'servers');

interface Broker {
  child: ChildProcess;
  port: number;
}

function startBroker(settings: Record<string, unknown> = {}): Promise<Broker> {
  const child = fork(path.join(dist, 'broker.js'), [], {
    execArgv: ['--require', path.join(dist, 'preload.js')],
    env: { ...process.env, PORT: '0', FAULTLINE_PRELOAD_SETTINGS: JSON.stringify(settings) },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.on('message', (m: { type?: string; port?: number }) => {
      if (m.type === 'faultline:listening' && typeof m.port === 'number') resolve({ child, port: m.port });
    });
    child.once('exit', (code) => reject(new Error(`the broker exited with ${code}`)));
  });
}

async function stats(port: number): Promise<Record<string, unknown>> {
  return (await (await fetch(`http://127.0.0.1:${port}/stats`)).json()) as Record<string, unknown>;
}

/** A subscriber on `topic` that collects payloads; resolves once subscribed. */
async function subscriber(port: number, topic: string): Promise<{ client: MqttClient; got: string[]; next: (n: number) => Promise<void> }> {
  const client = connect(`tcp://127.0.0.1:${port}`, { clientId: `sub-${process.pid}-${topic}`, reconnectPeriod: 0 });
  const got: string[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  client.on('message', (_t, payload) => {
    got.push(String(payload));
    for (const w of waiters.filter((x) => got.length >= x.n)) w.resolve();
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return { client, got, next: (n) => (got.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))) };
}

describe('bundled broker', () => {
  const children: ChildProcess[] = [];
  const clients: MqttClient[] = [];
  after(() => {
    for (const c of clients) c.end(true);
    for (const c of children) c.kill('SIGKILL');
  });

  it('speaks MQTT and HTTP on one port and delivers QoS 1 messages once', async () => {
    const broker = await startBroker();
    children.push(broker.child);
    const health = await fetch(`http://127.0.0.1:${broker.port}/health`);
    assert.equal(health.status, 200);
    const sub = await subscriber(broker.port, 'a/#');
    const pub = connect(`tcp://127.0.0.1:${broker.port}`, { reconnectPeriod: 0 });
    clients.push(sub.client, pub);
    await pub.publishAsync('a/1', 'one', { qos: 1 });
    await pub.publishAsync('a/2', 'two', { qos: 1 });
    await sub.next(2);
    // A third message proves nothing else was queued before it.
    await pub.publishAsync('a/3', 'three', { qos: 1 });
    await sub.next(3);
    assert.deepEqual(sub.got, ['one', 'two', 'three']);
    assert.deepEqual(await stats(broker.port), { clients: 2, published: 3, duplicated: 0, duplicateDelivery: false });
    // The count includes every message a subscriber has already received (it is taken before the
    // fan-out, not after it), read as soon as each one arrives.
    for (let i = 4; i <= 24; i++) {
      const received = sub.next(i);
      void pub.publishAsync('a/n', String(i), { qos: 0 });
      await received;
      assert.equal((await stats(broker.port))['published'], i, `the count after message ${i} arrived`);
    }
    assert.equal((await fetch(`http://127.0.0.1:${broker.port}/nope`)).status, 404);
  });

  it('duplicate_delivery: every message twice while the setting is on, once after it is removed', async () => {
    const broker = await startBroker({ duplicateDelivery: { probability: 1, seed: 3 } });
    children.push(broker.child);
    const sub = await subscriber(broker.port, 'b/#');
    const pub = connect(`tcp://127.0.0.1:${broker.port}`, { reconnectPeriod: 0 });
    clients.push(sub.client, pub);
    await pub.publishAsync('b/1', 'x', { qos: 1 });
    await sub.next(2);
    assert.deepEqual(sub.got, ['x', 'x']);
    // Off, as the fault's revert does it: over the preload's IPC channel.
    const ipc = new IpcClient<typeof PreloadIpc>(broker.child, 'broker');
    await ipc.call('set', { key: 'duplicateDelivery', value: null }, 5000);
    await pub.publishAsync('b/2', 'y', { qos: 1 });
    await pub.publishAsync('b/3', 'z', { qos: 1 });
    await sub.next(4);
    assert.deepEqual(sub.got, ['x', 'x', 'y', 'z']);
    const s = await stats(broker.port);
    assert.equal(s['duplicated'], 1);
    assert.equal(s['duplicateDelivery'], false);
  });

  it('validation: duplicate_delivery must target a bundled broker', () => {
    const dir = path.join(repoRoot, 'workspaces', 'ledger');
    const file = path.join(dir, 'exercise.json');
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as { chaos: { faults: { type: string; target?: string }[] }[] };
    (m.chaos[0] as { faults: unknown[] }).faults = [{ type: 'duplicate_delivery', target: 'projector' }];
    const problems = validateManifestText(file, JSON.stringify(m, null, 2), dir).problems.map((p) => p.message);
    assert.ok(
      problems.some((p) => /acts on the bundled broker server, but service "projector" is not one/.test(p)),
      problems.join('\n'),
    );
  });
});
