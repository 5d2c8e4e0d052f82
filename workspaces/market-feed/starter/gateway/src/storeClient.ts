/** The history store over HTTP (STORE_URL). Every call has a timeout. */
import type { Chain, UnderlyingTick } from '../../shared/market';

export class StoreError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class StoreClient {
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 5000,
  ) {}

  async get<T>(path: string, timeoutMs = this.timeoutMs): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    } catch (err) {
      const e = err as Error;
      throw new StoreError(
        503,
        e.name === 'TimeoutError' ? `store did not answer within ${timeoutMs} ms` : `store unreachable: ${e.message}`,
      );
    }
    const body = (await res.json().catch(() => ({}))) as T & { error?: string };
    if (!res.ok) throw new StoreError(res.status === 404 ? 404 : 502, body.error ?? `store answered ${res.status}`);
    return body;
  }

  health(timeoutMs?: number): Promise<{ status: string }> {
    return this.get('/health', timeoutMs);
  }
  chain(symbol: string, expiry?: string): Promise<Chain> {
    return this.get(`/chain/${encodeURIComponent(symbol)}${expiry ? `?expiry=${encodeURIComponent(expiry)}` : ''}`);
  }
  underlying(symbol: string): Promise<{ symbol: string; latest: UnderlyingTick | null; history: { price: number; ts: number }[] }> {
    return this.get(`/underlying/${encodeURIComponent(symbol)}`);
  }
  expiries(symbol: string): Promise<{ symbol: string; expiries: string[] }> {
    return this.get(`/expiries/${encodeURIComponent(symbol)}`);
  }
}
