/** Money is handled in integer cents; JSON carries amounts as numbers with at most two decimals. */
import { HttpError } from './http';

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'INR', 'JPY'] as const;
export type Currency = (typeof CURRENCIES)[number];

/** The largest amount one command may move: 1,000,000,000.00. */
export const MAX_AMOUNT_CENTS = 100_000_000_000;

/** Cents from a request field; 400 with a clear message for anything that is not a usable amount. */
export function parseAmount(value: unknown, field = 'amount', opts: { allowZero?: boolean } = {}): number {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) throw new HttpError(400, `${field} must be a number`);
  const cents = Math.round(n * 100);
  if (Math.abs(n * 100 - cents) > 1e-6) throw new HttpError(400, `${field} must have at most two decimals`);
  if (cents < 0 || (cents === 0 && !opts.allowZero)) throw new HttpError(400, `${field} must be greater than 0`);
  if (cents > MAX_AMOUNT_CENTS) throw new HttpError(400, `${field} must be at most ${formatCents(MAX_AMOUNT_CENTS)}`);
  return cents;
}

export function parseCurrency(value: unknown): Currency {
  if (typeof value !== 'string' || !(CURRENCIES as readonly string[]).includes(value.toUpperCase())) {
    throw new HttpError(400, `Unsupported currency ${JSON.stringify(value)}; supported: ${CURRENCIES.join(', ')}`);
  }
  return value.toUpperCase() as Currency;
}

/** 70000 → "700.00". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** An amount as stored in events (a number with two decimals) → cents. */
export function toCents(amount: unknown): number {
  return Math.round(Number(amount) * 100);
}

export function fromCents(cents: number): number {
  return cents / 100;
}
