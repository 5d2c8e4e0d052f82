/**
 * One LogOutputChannel per service ("Faultline: <service>"), fed through a LogBatcher so a
 * flood of log lines never freezes the editor. Channels live as long as the extension: a
 * restarted session keeps writing to the same channel.
 */
import * as vscode from 'vscode';
import type { Exercise } from '../../engine/manifest/schema';
import { LogBatcher } from './logBatcher';
import type { LogRecord } from '../../engine/model/services';

interface Channel {
  channel: vscode.LogOutputChannel;
  batcher: LogBatcher;
}

export class ServiceLogs implements vscode.Disposable {
  private readonly channels = new Map<string, Channel>();
  private replicas = new Map<string, number>();

  /** Declare the exercise's services (for names and replica prefixes). */
  configure(exercise: Exercise): void {
    this.replicas = new Map(exercise.services.map((s) => [s.name, s.replicas ?? 1]));
  }

  static channelName(service: string): string {
    return `Faultline: ${service}`;
  }

  private get(service: string): Channel {
    let c = this.channels.get(service);
    if (!c) {
      const channel = vscode.window.createOutputChannel(ServiceLogs.channelName(service), { log: true });
      const write = (level: string, text: string) => {
        switch (level) {
          case 'trace':
            return channel.trace(text);
          case 'debug':
            return channel.debug(text);
          case 'warn':
            return channel.warn(text);
          case 'error':
            return channel.error(text);
          default:
            return channel.info(text);
        }
      };
      c = { channel, batcher: new LogBatcher({ write, showInstance: (this.replicas.get(service) ?? 1) > 1 }) };
      this.channels.set(service, c);
    }
    return c;
  }

  append(record: LogRecord): void {
    this.get(record.service).batcher.push(record);
  }

  show(service: string): void {
    const c = this.get(service);
    c.batcher.flush();
    c.channel.show(true);
  }

  dispose(): void {
    for (const c of this.channels.values()) {
      c.batcher.dispose();
      c.channel.dispose();
    }
    this.channels.clear();
  }
}
