/** The message bus: an MQTT broker (BROKER_URL, e.g. tcp://127.0.0.1:1883). */
import { connect, type IClientOptions, type MqttClient } from 'mqtt';

export type { MqttClient };

/** A client that reconnects by itself (every second). */
export function connectBus(url: string, clientId: string, opts: Partial<IClientOptions> = {}): MqttClient {
  return connect(url, { clientId, protocolVersion: 4, reconnectPeriod: 1000, connectTimeout: 5000, keepalive: 10, ...opts });
}
