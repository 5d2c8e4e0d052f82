/**
 * Number helpers that reproduce Python's `round(x, 2)` and `f"{x:.2f}"`,
 * which the original API used for prices and messages.
 *
 * `Number.prototype.toFixed` already rounds the exact binary value correctly;
 * the only difference from Python is exact ties (x = n/8 with n odd, e.g.
 * 0.125), which Python rounds half-to-even and JavaScript rounds up.
 */

function isExactTie(x: number): boolean {
  return Number.isInteger(x * 8) && !Number.isInteger(x * 4);
}

/** Python's `f"{x:.2f}"`. */
export function formatFixed2(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (isExactTie(x)) {
    const magnitude = Math.abs(x);
    let cents = Math.floor(magnitude * 100);
    if (cents % 2 === 1) cents += 1;
    const sign = x < 0 ? '-' : '';
    return `${sign}${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`;
  }
  return x.toFixed(2);
}

/** Python's `round(x, 2)`. */
export function round2(x: number): number {
  if (!Number.isFinite(x)) return x;
  return Number(formatFixed2(x));
}

/** A finite number, or null for anything else (null, NaN, text, ...). */
export function finiteOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/**
 * Python's `str(float)` for ordinary values: integral floats keep a trailing
 * ".0" (1000 -> "1000.0"); other values use the shortest round-trip digits,
 * which JavaScript and Python agree on.
 */
export function formatPyFloat(x: number): string {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return x.toFixed(1);
  return String(x);
}
