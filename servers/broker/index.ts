/**
 * A message broker any exercise can declare as a bundled service (`"role": "bundled", "entry":
 * "broker", "protocol": "tcp"`): aedes, a real MQTT 3.1.1/5 broker (QoS 1 gives at-least-once
 * delivery and real redelivery of unacknowledged messages; persistent sessions queue messages for
 * offline subscribers), in memory, on 127.0.0.1 and PORT (0: any).
 *
 * One port speaks both MQTT and HTTP, told apart by the first byte (an MQTT connection starts with
 * a CONNECT packet, 0x10; HTTP with a method name), so the supervisor's readiness probe
 * (`GET /health`) and clients share the address the fault proxy forwards to:
 *   GET /health  → {ok, clients}
 *   GET /stats   → {clients, published, duplicated, subscriptions}
 *
 * Chaos: the `duplicate_delivery` fault sets the preload setting `duplicateDelivery`; while it is
 * set, every message a client publishes is published a second time by the broker, so every
 * subscriber receives it twice (as after a redelivery).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import { Aedes } from 'aedes';
import { seededRandom, type Random } from '../../extension/engine/chaos/random';

const MQTT_CONNECT = 0x10;

interface Duplicates {
  probability: number;
  seed: number;
}

/** The preload's settings (servers/preload/instrument.ts); absent when run without the supervisor. */
function setting(key: 'duplicateDelivery'): Duplicates | null {
  const read = (globalThis as Record<symbol, unknown>)[Symbol.for('faultline.preload.settings')];
  return typeof read === 'function' ? ((read as (k: string) => Duplicates | null)(key) ?? null) : null;
}

async function main(): Promise<void> {
  const stats = { published: 0, duplicated: 0 };
  const broker = await Aedes.createBroker({
    id: process.env['FAULTLINE_SERVICE'] ?? 'broker',
    // Counted here, before the fan-out: aedes emits 'publish' only after delivery, so a client that
    // has just received a message could otherwise read a count that does not include it yet.
    authorizePublish: (_client, _packet, callback) => {
      stats.published++;
      callback(null);
    },
  });
  let random: { seed: number; stream: Random } | undefined;

  broker.on('publish', (packet, client) => {
    if (!client || packet.topic.startsWith('$SYS')) return;
    const dup = setting('duplicateDelivery');
    if (!dup) return;
    if (random?.seed !== dup.seed) random = { seed: dup.seed, stream: seededRandom(dup.seed) };
    if (dup.probability < 1 && random.stream.next() >= dup.probability) return;
    stats.duplicated++;
    // Published again by the broker itself (no client): every subscriber gets a second delivery.
    broker.publish({ ...packet, retain: false, dup: false }, (err) => {
      if (err) console.error(`ERROR duplicate of ${packet.topic} not delivered: ${err.message}`);
    });
  });
  broker.on('clientError', (client, err) => console.log(`WARN  client ${client.id}: ${err.message}`));

  const web = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    };
    if (req.method === 'GET' && path === '/health') return send(200, { ok: true, clients: broker.connectedClients });
    if (req.method === 'GET' && path === '/stats')
      return send(200, { clients: broker.connectedClients, ...stats, duplicateDelivery: setting('duplicateDelivery') !== null });
    send(404, {
      error: `no route ${req.method ?? 'GET'} ${path ?? '/'} (the broker answers GET /health and GET /stats; MQTT on the same port)`,
    });
  });

  const server = net.createServer((socket) => {
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      if (first[0] === MQTT_CONNECT) broker.handle(socket);
      else web.emit('connection', socket);
      socket.resume();
    });
  });
  server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1', () => {
    const { port } = server.address() as net.AddressInfo;
    console.log(`INFO  MQTT broker (aedes) on mqtt://127.0.0.1:${port}; GET /health and /stats on the same port`);
  });

  const stop = () => {
    server.close();
    broker.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
