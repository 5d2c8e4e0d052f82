/**
 * HTTP client of the inventory service (INVENTORY_URL). Every call has a
 * timeout (INVENTORY_TIMEOUT_MS, 5 s by default).
 */
import { HttpError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';

/** A product as the inventory service describes it. */
export interface Product {
  id: number;
  name: string;
  description: string;
  price: number;
  stock: number;
  category: string | null;
}

/** The answer to a successful stock reservation. */
export interface Reservation {
  product_id: number;
  quantity: number;
  remaining_stock: number;
}

/** The inventory service answered with a client error, e.g. 400 "Insufficient stock for …". */
export class InventoryError extends Error {
  readonly status: number;
  readonly detail: string;

  constructor(status: number, detail: string) {
    super(`inventory service answered ${status}: ${detail}`);
    this.name = 'InventoryError';
    this.status = status;
    this.detail = detail;
  }
}

/** The inventory service could not be reached, timed out, or failed (5xx). */
export class InventoryUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InventoryUnavailableError';
  }
}

export interface InventoryClient {
  /**
   * The product with this id. Throws `HttpError(404, 'Product not found')`
   * when the inventory service does not know it, and returns null when the
   * inventory service could not be asked.
   */
  getProduct(productId: number): Promise<Product | null>;
  /**
   * Takes `quantity` units out of stock. Throws InventoryError or
   * InventoryUnavailableError. The idempotency key is sent as the
   * `Idempotency-Key` header, which makes a retry safe: when the first attempt
   * fails without an answer (network error, timeout, 5xx) it is retried once
   * with the same key, and the inventory service never takes the stock twice.
   */
  reserve(productId: number, quantity: number, idempotencyKey: string): Promise<Reservation>;
}

export interface InventoryClientOptions {
  baseUrl: string;
  timeoutMs: number;
  logger: Logger;
}

function detailOf(body: unknown, fallback: string): string {
  if (typeof body === 'object' && body !== null && 'detail' in body) {
    const { detail } = body;
    return typeof detail === 'string' ? detail : JSON.stringify(detail);
  }
  return fallback;
}

export function createInventoryClient(options: InventoryClientOptions): InventoryClient {
  const { baseUrl, timeoutMs, logger } = options;

  async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    let text: string;
    try {
      res = await fetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (err) {
      const reason = err instanceof Error && err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : describe(err);
      throw new InventoryUnavailableError(`${method} ${path} failed: ${reason}`);
    }
    let parsed: unknown = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      throw new InventoryUnavailableError(`${method} ${path} answered ${res.status} with a body that is not JSON`);
    }
    if (res.status >= 500) throw new InventoryUnavailableError(`${method} ${path} answered ${res.status}: ${detailOf(parsed, text)}`);
    if (!res.ok) throw new InventoryError(res.status, detailOf(parsed, `HTTP ${res.status}`));
    return parsed as T;
  }

  return {
    async getProduct(productId) {
      try {
        return await request<Product>('GET', `/api/products/${productId}`);
      } catch (err) {
        if (err instanceof InventoryError && err.status === 404) throw new HttpError(404, 'Product not found');
        logger.warn(`could not fetch product ${productId} from the inventory service: ${describe(err)}`);
        return null;
      }
    },

    async reserve(productId, quantity, idempotencyKey) {
      const attempt = () =>
        request<Reservation>('POST', `/api/products/${productId}/reserve`, { quantity }, { 'idempotency-key': idempotencyKey });
      try {
        return await attempt();
      } catch (err) {
        if (!(err instanceof InventoryUnavailableError)) throw err;
        logger.warn(`reservation ${idempotencyKey} got no usable answer (${err.message}); retrying once with the same key`);
        return attempt();
      }
    },
  };
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message} (${cause.message})` : err.message;
}
