import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { FaultlineError } from '../../extension/engine/errors';
import type { Exercise, Service } from '../../extension/engine/manifest/schema';
import { startWaves, Supervisor, type SupervisorOptions } from '../../extension/engine/supervisor/supervisor';
import { eventually, fixtures, install, isAlive, nodeForServices, tempDir } from '../helpers';
import type { LogRecord } from '../../extension/engine/model/services';
import type { SupervisorEvent } from '../../extension/engine/supervisor/slot';

const workspace = path.join(fixtures, 'exercises', 'fixture-basic', 'starter');

function service(name: string, extra: Partial<Service> = {}): Service {
  return { name, role: 'candidate', entry: 'server.js', health: { path: '/health', startupTimeoutMs: 10_000 }, ...extra };
}

function exercise(services: Service[]): Exercise {
  return {
    id: 'sup-test',
    title: 'Supervisor test',
    summary: 's',
    level: 'junior',
    durationMinutes: 5,
    starter: 'starter',
    brief: 'README.md',
    services,
    phases: [{ id: 'p', title: 'p', minutes: 1, goal: 'g' }],
    chaos: [],
    hints: [],
    solutions: {},
    interviewer: {},
  };
}

type Cleanup = { after(fn: () => unknown): void };

function supervise(
  t: Cleanup,
  services: Service[],
  restart = {},
  liveness: SupervisorOptions['liveness'] = false,
  opts: Pick<SupervisorOptions, 'install'> = { install },
) {
  const sessionDir = tempDir(t);
  const logs: LogRecord[] = [];
  const events: SupervisorEvent[] = [];
  const waiters: { test: (e: SupervisorEvent) => boolean; resolve: (e: SupervisorEvent) => void }[] = [];
  const sup = new Supervisor({
    install: opts.install,
    exercise: exercise(services),
    workspace,
    sessionDir,
    runtime: { execPath: nodeForServices, env: {}, version: 'test', source: 'explicit' },
    restart,
    liveness,
    onLog: (r) => logs.push(r),
    onEvent: (e) => {
      events.push(e);
      for (const w of [...waiters]) {
        if (w.test(e)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(e);
        }
      }
    },
  });
  t.after(() => sup.stop(0));
  /** Resolves on the next event matching `test` (events already seen do not count). */
  const next = (test: (e: SupervisorEvent) => boolean, timeoutMs = 20_000) =>
    new Promise<SupervisorEvent>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching event; saw ${events.map((e) => e.type).join(',')}`)), timeoutMs);
      waiters.push({
        test,
        resolve: (e) => {
          clearTimeout(timer);
          resolve(e);
        },
      });
    });
  return { sup, logs, events, next };
}

async function get(url: string): Promise<string> {
  const res = await fetch(url);
  return res.text();
}

describe('supervisor', () => {
  it('orders services by their dependencies', () => {
    const waves = startWaves([service('c', { dependsOn: ['b'] }), service('a'), service('b', { dependsOn: ['a'] }), service('d')]);
    assert.deepEqual(
      waves.map((w) => w.map((s) => s.name)),
      [['a', 'd'], ['b'], ['c']],
    );
  });

  it('starts services in order on 127.0.0.1, resolves templates and captures structured logs', async (t) => {
    const { sup, logs } = supervise(t, [
      service('b', { dependsOn: ['a'], env: { UPSTREAM: '${services.a.url}', HERE: '${workspace}' } }),
      service('a'),
    ]);
    await sup.start();
    const [b, a] = sup.status();
    assert.ok(a && b);
    assert.equal(a.instances[0]?.state, 'healthy');
    assert.match(a.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const env = JSON.parse(
      await get(`${b.url}/env?names=UPSTREAM,HERE,HOST,PORT,FAULTLINE_SERVICE,FAULTLINE_PRELOAD_SETTINGS,HOME,PATH`),
    ) as Record<string, string>;
    const { UPSTREAM, ...rest } = env;
    // Candidate code sees what the manifest gives it, never Faultline's variables or the interviewer's environment.
    assert.deepEqual(rest, {
      HERE: workspace,
      HOST: '127.0.0.1',
      PORT: '0',
      FAULTLINE_SERVICE: null,
      FAULTLINE_PRELOAD_SETTINGS: null,
      HOME: null,
      PATH: null,
    });
    // Everyone talks through the fault proxy: clients use a's public listener, b its own edge to a.
    assert.notEqual(a.url, a.instances[0]?.url, 'the public URL is the proxy, not the process');
    assert.ok(UPSTREAM && UPSTREAM !== a.url && UPSTREAM !== a.instances[0]?.url, 'b reaches a through its own edge listener');
    assert.equal(await get(`${UPSTREAM}/health`), '{"status":"healthy"}');
    const metrics = await sup.proxy.metrics();
    assert.equal(metrics.find((m) => m.listener === 'b->a')?.routes.find((r) => r.route === '/health')?.count, 1);
    // The fixture calls listen(port) with no host; the preload bound it to loopback.
    assert.ok(logs.some((r) => r.service === 'a' && r.message.includes('"address":"127.0.0.1"')));
    const startedA = logs.findIndex((r) => r.service === 'a' && r.message.startsWith('listening'));
    const startedB = logs.findIndex((r) => r.service === 'b' && r.message.startsWith('starting'));
    assert.ok(startedA >= 0 && startedA < startedB, 'a is listening before b starts');
    const levels = logs.filter((r) => r.service === 'a').map((r) => [r.level, r.stream, r.message]);
    assert.deepEqual(levels.slice(0, 3), [
      ['info', 'stdout', 'starting with behavior ok'],
      ['warn', 'stdout', 'a structured warning'],
      ['debug', 'stderr', 'something on stderr'],
    ]);
    assert.deepEqual(logs.find((r) => r.level === 'warn')?.fields, { extra: 42 });
  });

  it('explains a start-up crash with the exception and its location, and stops what had started', async (t) => {
    const { sup } = supervise(t, [service('ok'), service('bad', { dependsOn: ['ok'], env: { BEHAVIOR: 'crash-on-start' } })]);
    const err = await sup.start().catch((e: unknown) => e);
    assert.ok(err instanceof FaultlineError, String(err));
    assert.equal(err.code, 'service-failed');
    assert.match(
      err.message,
      /bad failed to start: bad exited with code 1 during start-up: TypeError: Cannot read properties of undefined/,
    );
    assert.match(err.message, /\(at server\.js:\d+:\d+\)/);
    assert.match(err.hint ?? '', /look at server\.js:\d+:\d+/);
    assert.match(err.details ?? '', /TypeError[\s\S]*at Object\.<anonymous>/);
    const okPid = sup.status()[0]?.instances[0]?.pid;
    assert.equal(okPid, null, 'the healthy dependency was stopped again');
  });

  it('a fault proxy that cannot start is a clear error, and no service is left running', async (t) => {
    // Faultline's helpers with a fault proxy that dies at once.
    const root = tempDir(t);
    const servers = path.join(root, 'dist', 'servers');
    fs.mkdirSync(servers, { recursive: true });
    for (const f of fs.readdirSync(install.serversDir)) fs.copyFileSync(path.join(install.serversDir, f), path.join(servers, f));
    fs.writeFileSync(path.join(servers, 'fault-proxy.js'), "throw new Error('the proxy is broken on purpose');\n");
    const { sup, events } = supervise(t, [service('ok'), service('after', { dependsOn: ['ok'] })], {}, false, {
      install: { ...install, serversDir: servers },
    });
    const err = await sup.start().catch((e: unknown) => e);
    assert.ok(err instanceof FaultlineError, String(err));
    assert.match(err.message, /the fault proxy failed to start: .*the proxy is broken on purpose/);
    const started = events.flatMap((e) => (e.type === 'healthy' && e.service !== 'fault-proxy' ? [e.pid] : []));
    for (const pid of started) await eventually(() => !isAlive(pid), 10_000, `service process ${pid} to be stopped`);
    const pids = sup.status().flatMap((s) => s.instances.map((i) => i.pid));
    assert.ok(
      pids.every((pid) => pid === null),
      `no service is left running: ${JSON.stringify(pids)}`,
    );
    assert.ok(!events.some((e) => e.type === 'starting' && e.service === 'after'), 'the second wave never started');
    assert.match(err.hint ?? '', /npm run build/);
  });

  it('reports the exit code of a service that exits during start-up', async (t) => {
    const { sup } = supervise(t, [service('quitter', { env: { BEHAVIOR: 'exit-on-start' } })]);
    await assert.rejects(sup.start(), /quitter exited with code 7 during start-up/);
  });

  it('gives up on a service that never becomes healthy, with its log tail', async (t) => {
    // 3 s: long enough for the service to be listening (and answering 503) on a loaded machine.
    const { sup } = supervise(t, [
      service('sick', { env: { BEHAVIOR: 'never-healthy' }, health: { path: '/health', startupTimeoutMs: 3000 } }),
    ]);
    const err = await sup.start().catch((e: unknown) => e);
    assert.ok(err instanceof FaultlineError);
    assert.match(err.message, /sick failed to start: not healthy within 3000 ms \(GET \/health answered 503\)/);
    assert.match(err.details ?? '', /INFO {2}starting with behavior never-healthy/);
  });

  it('restarts a crashed service with backoff on the same port', async (t) => {
    const { sup, next } = supervise(t, [service('api')], { baseDelayMs: 50 });
    await sup.start();
    const before = sup.status()[0]!.instances[0]!;
    const crashed = next((e) => e.type === 'crashed');
    const healthy = next((e) => e.type === 'healthy');
    await get(`${before.url}/throw`);
    const c = (await crashed) as Extract<SupervisorEvent, { type: 'crashed' }>;
    assert.equal(c.restartInMs, 50);
    assert.equal(c.crash.exception?.name, 'TypeError');
    assert.equal(c.crash.exception?.message, 'thrown on purpose');
    assert.equal(c.crash.duringStartup, false);
    await healthy;
    const after = sup.status()[0]!.instances[0]!;
    assert.equal(after.port, before.port, 'URLs handed out earlier stay valid');
    assert.notEqual(after.pid, before.pid);
    assert.equal(after.restarts, 1);
    assert.equal(await get(`${after.url}/health`), '{"status":"healthy"}');
  });

  it('stops restarting a crash loop and says so', async (t) => {
    const { sup, next } = supervise(t, [service('loop')], { baseDelayMs: 10, maxConsecutive: 2 });
    await sup.start();
    for (let i = 0; i < 2; i++) {
      const healthy = next((e) => e.type === 'healthy');
      await get(`${sup.status()[0]!.url}/crash`);
      await healthy;
    }
    const failed = next((e) => e.type === 'failed');
    await get(`${sup.status()[0]!.url}/crash`);
    const f = (await failed) as Extract<SupervisorEvent, { type: 'failed' }>;
    assert.match(f.reason, /crashed 2 times in a row; not restarting until asked/);
    assert.equal(sup.status()[0]!.instances[0]!.state, 'failed');
    // Asking restarts it.
    await sup.restart('loop');
    assert.equal(sup.status()[0]!.instances[0]!.state, 'healthy');
  });

  it('stop reaches grandchildren and processes stuck in a busy loop', async (t) => {
    const { sup } = supervise(t, [service('api', { sandbox: { childProcess: true } })]);
    await sup.start();
    const url = sup.status()[0]!.url;
    const grandchild = Number(await get(`${url}/grandchild`));
    const pid = sup.status()[0]!.instances[0]!.pid!;
    assert.ok(isAlive(grandchild));
    await get(`${url}/spin`);
    await sup.stop(500);
    await eventually(() => !isAlive(pid) && !isAlive(grandchild), 5000, 'service and grandchild to exit');
  });

  it('reports a process whose event loop stops answering, and when it answers again', async (t) => {
    // 1 s without an answer: a loaded machine can delay an idle service's answer by a few hundred ms.
    const { sup, logs, next } = supervise(t, [service('api')], {}, { intervalMs: 100, timeoutMs: 1000 });
    await sup.start();
    const instance = () => sup.status()[0]!.instances[0]!;
    assert.equal(instance().unresponsive, undefined);
    const stuck = next((e) => e.type === 'unresponsive');
    sup.signal('api', 'SIGSTOP'); // what a breakpoint or a busy loop looks like from outside
    const e = await stuck;
    assert.equal(e.type === 'unresponsive' && e.service, 'api');
    assert.match(instance().unresponsive?.detail ?? '', /event loop has not answered for 1000 ms/);
    assert.equal(instance().state, 'healthy', 'still running: nothing is restarted behind the candidate');
    assert.ok(logs.some((r) => r.level === 'warn' && /not responding/.test(r.message)));
    const back = next((e) => e.type === 'responsive');
    sup.signal('api', 'SIGCONT');
    const r = await back;
    assert.ok(r.type === 'responsive' && r.afterMs >= 1000);
    assert.equal(instance().unresponsive, undefined);
    assert.ok(logs.some((l) => l.level === 'info' && /responding again after/.test(l.message)));
  });

  it('runs replicas, each on its own port, each knowing its number (REPLICA)', async (t) => {
    const { sup } = supervise(t, [service('echo', { replicas: 2 })]);
    await sup.start();
    const s = sup.status()[0]!;
    assert.equal(s.instances.length, 2);
    assert.notEqual(s.instances[0]!.port, s.instances[1]!.port);
    assert.deepEqual(
      s.urls,
      s.instances.map((i) => i.url),
    );
    const replicas = await Promise.all(
      s.instances.map(async (i) => ((await (await fetch(`${i.url}/env?names=REPLICA`)).json()) as { REPLICA: string | null }).REPLICA),
    );
    assert.deepEqual(replicas, ['1', '2']);
    // One replica can be signalled on its own (the kill fault's `replica`).
    assert.deepEqual(sup.signal('echo', 'SIGKILL', 2), [s.instances[1]!.pid]);
    assert.throws(() => sup.signal('echo', 'SIGKILL', 3), /echo has no replica 3/);
    await sup.revive('echo');
    assert.equal(sup.status()[0]!.instances[0]!.pid, s.instances[0]!.pid, 'replica 1 was not touched');
  });

  it('reports an occupied port clearly', async (t) => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    t.after(() => blocker.close());
    const port = (blocker.address() as net.AddressInfo).port;
    const { sup } = supervise(t, [service('api', { port })]);
    const err = await sup.start().catch((e: unknown) => e);
    assert.ok(err instanceof FaultlineError);
    assert.equal(err.code, 'port-in-use');
    assert.match(err.message, new RegExp(`api could not listen on port ${port}: the port is already in use`));
  });

  it('names a missing entry file', async (t) => {
    const { sup } = supervise(t, [service('api', { entry: 'missing.js' })]);
    await assert.rejects(sup.start(), /cannot start api: entry file not found: .*missing\.js/);
    assert.equal(fs.existsSync(path.join(workspace, 'missing.js')), false);
  });
});
