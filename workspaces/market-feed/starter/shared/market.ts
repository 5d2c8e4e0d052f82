/**
 * The market: products, seeded ticks, option chains and the analytics on them (PCR, max pain).
 * Shared by the feed, the store and the gateway. Provided: read it, you should not need to change it.
 */

export interface Product {
  symbol: string;
  spot: number;
  /** Distance between two strikes of its option chain. */
  step: number;
}

export const PRODUCTS: readonly Product[] = [
  { symbol: 'NIFTY', spot: 21500, step: 50 },
  { symbol: 'BANKNIFTY', spot: 45000, step: 100 },
  { symbol: 'FINNIFTY', spot: 19500, step: 50 },
  { symbol: 'SENSEX', spot: 71000, step: 100 },
  { symbol: 'AAPL', spot: 185, step: 5 },
  { symbol: 'TSLA', spot: 245, step: 5 },
  { symbol: 'SPY', spot: 475, step: 5 },
  { symbol: 'QQQ', spot: 395, step: 5 },
];

export const SYMBOLS: readonly string[] = PRODUCTS.map((p) => p.symbol);

export function product(symbol: string): Product | undefined {
  return PRODUCTS.find((p) => p.symbol === symbol.toUpperCase());
}

/** One price update of an underlying. `ts` is when the feed produced it (ms since the epoch). */
export interface UnderlyingTick {
  symbol: string;
  price: number;
  change: number;
  seq: number;
  ts: number;
}

export interface OptionRow {
  strike: number;
  type: 'CE' | 'PE';
  ltp: number;
  iv: number;
  oi: number;
  volume: number;
}

export interface Chain {
  symbol: string;
  expiry: string;
  spot: number;
  seq: number;
  ts: number;
  options: OptionRow[];
}

/** mulberry32: a small seeded PRNG, so a seed replays the same market. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The next weekly expiries (Thursdays), as YYYY-MM-DD, from a date. */
export function expiries(from: Date, count = 3): string[] {
  const out: string[] = [];
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  while (out.length < count) {
    d.setUTCDate(d.getUTCDate() + 1);
    if (d.getUTCDay() === 4) out.push(d.toISOString().slice(0, 10));
  }
  return out;
}

/** 21 strikes around spot (10 below the at-the-money strike, 10 above), each with a call and a put. */
export function makeChain(p: Product, spot: number, expiry: string, seq: number, ts: number, rnd: () => number): Chain {
  const atm = Math.round(spot / p.step) * p.step;
  const options: OptionRow[] = [];
  for (let i = -10; i <= 10; i++) {
    const strike = atm + i * p.step;
    for (const type of ['CE', 'PE'] as const) {
      const iv = 0.15 + rnd() * 0.2;
      const intrinsic = type === 'CE' ? Math.max(0, spot - strike) : Math.max(0, strike - spot);
      const ltp = Math.round((intrinsic + spot * iv * 0.02 * (1 + rnd())) * 100) / 100;
      options.push({
        strike,
        type,
        ltp,
        iv: Math.round(iv * 10000) / 10000,
        oi: 1000 + Math.floor(rnd() * 99_001),
        volume: Math.floor(rnd() * 5000),
      });
    }
  }
  return { symbol: p.symbol, expiry, spot, seq, ts, options };
}

/** Put-call ratio: Σ put OI / Σ call OI (null when there is no call OI). */
export function pcr(options: readonly OptionRow[]): number | null {
  let calls = 0;
  let puts = 0;
  for (const o of options) {
    if (o.type === 'CE') calls += o.oi;
    else puts += o.oi;
  }
  return calls === 0 ? null : Math.round((puts / calls) * 10000) / 10000;
}

/**
 * Max pain: the strike s (among the chain's strikes) minimising what option writers pay out at
 * expiry, Σ callOI·max(0, s−K) + Σ putOI·max(0, K−s). Ties go to the lower strike.
 */
export function maxPain(options: readonly OptionRow[]): { strike: number; payout: number } | null {
  const strikes = [...new Set(options.map((o) => o.strike))].sort((a, b) => a - b);
  let best: { strike: number; payout: number } | null = null;
  for (const s of strikes) {
    let payout = 0;
    for (const o of options) payout += o.type === 'CE' ? o.oi * Math.max(0, s - o.strike) : o.oi * Math.max(0, o.strike - s);
    if (best === null || payout < best.payout) best = { strike: s, payout };
  }
  return best;
}

/** The MQTT topics the feed publishes on. */
export const TOPICS = {
  underlying: (symbol: string) => `market/underlying/${symbol}`,
  chain: (symbol: string) => `market/chain/${symbol}`,
  all: 'market/#',
};
