/**
 * Timestamps are stored as TEXT and serialised the way Python's naive UTC
 * `datetime.isoformat()` does, always with microseconds:
 *
 *   2026-11-23T10:11:12.345000
 */

/** The current UTC time as a timestamp string. */
export function nowTimestamp(): string {
  return toTimestamp(new Date());
}

export function toTimestamp(date: Date): string {
  // toISOString() -> 2026-11-23T10:11:12.345Z ; pad milliseconds to microseconds.
  return date.toISOString().replace(/Z$/, '000');
}

const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
const NAIVE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?$/;

/**
 * Normalises a stored timestamp for API responses. Values written by this app
 * are already canonical; anything else (e.g. `2026-01-01 10:00:00` written by
 * hand, or an ISO string with an offset) is converted to naive UTC when it can
 * be parsed, and passed through unchanged otherwise.
 */
export function formatTimestamp(value: string): string;
export function formatTimestamp(value: string | null | undefined): string | null;
export function formatTimestamp(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const text = String(value);
  if (CANONICAL.test(text)) return text;

  const naive = NAIVE.exec(text);
  if (naive) {
    const fraction = (naive[3] ?? '').padEnd(6, '0').slice(0, 6);
    return `${naive[1]}T${naive[2]}.${fraction}`;
  }

  const parsed = new Date(text);
  return Number.isNaN(parsed.getTime()) ? text : toTimestamp(parsed);
}
