import type { LogRecord } from '../engine/model/services';
/** Terminal output: colours (honouring NO_COLOR / FORCE_COLOR), prefixed log lines, tables. */

export interface Style {
  enabled: boolean;
  wrap(code: number, text: string): string;
}

export function detectColor(stream: NodeJS.WriteStream): boolean {
  if (process.env['NO_COLOR'] !== undefined && process.env['NO_COLOR'] !== '') return false;
  const force = process.env['FORCE_COLOR'];
  if (force !== undefined) return force !== '0' && force !== 'false';
  return Boolean(stream.isTTY);
}

export function style(enabled: boolean): Style {
  return { enabled, wrap: (code, text) => (enabled ? `\x1b[${code}m${text}\x1b[0m` : text) };
}

export const paint = {
  red: (s: Style, t: string) => s.wrap(31, t),
  green: (s: Style, t: string) => s.wrap(32, t),
  yellow: (s: Style, t: string) => s.wrap(33, t),
  blue: (s: Style, t: string) => s.wrap(34, t),
  magenta: (s: Style, t: string) => s.wrap(35, t),
  cyan: (s: Style, t: string) => s.wrap(36, t),
  dim: (s: Style, t: string) => s.wrap(2, t),
  bold: (s: Style, t: string) => s.wrap(1, t),
};

const SERVICE_COLOURS = [36, 35, 33, 32, 34, 96, 95, 93];

/** Formats log records as `name | LEVEL message`, with a stable colour per service. */
export class LogPrinter {
  private readonly colours = new Map<string, number>();
  private width = 8;

  constructor(
    private readonly s: Style,
    names: readonly string[],
  ) {
    names.forEach((n, i) => this.colours.set(n, SERVICE_COLOURS[i % SERVICE_COLOURS.length] as number));
    this.width = Math.max(8, ...names.map((n) => n.length + 2));
  }

  format(r: LogRecord): string {
    const name = r.instance > 1 ? `${r.service}#${r.instance}` : r.service;
    const prefix = this.s.wrap(this.colours.get(r.service) ?? 37, `${name.padEnd(this.width)}|`);
    const level = r.level.toUpperCase().padEnd(5);
    const levelText =
      r.level === 'error' || r.level === 'fatal'
        ? paint.red(this.s, level)
        : r.level === 'warn'
          ? paint.yellow(this.s, level)
          : r.level === 'debug' || r.level === 'trace'
            ? paint.dim(this.s, level)
            : level;
    const fields = r.fields ? ' ' + paint.dim(this.s, JSON.stringify(r.fields)) : '';
    const message = r.stream === 'supervisor' ? paint.bold(this.s, `[faultline] ${r.message}`) : r.message;
    return `${prefix} ${levelText} ${message}${fields}`;
  }
}

export function table(rows: string[][], s: Style): string {
  if (rows.length === 0) return '';
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => visibleLength(r[i] ?? '')))) ?? [];
  return rows
    .map((r, ri) => {
      const line = r.map((cell, i) => (i === r.length - 1 ? cell : cell + ' '.repeat((widths[i] ?? 0) - visibleLength(cell)))).join('  ');
      return ri === 0 ? paint.bold(s, line) : line;
    })
    .join('\n');
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '').length;
}
