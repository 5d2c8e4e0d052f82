/**
 * Orders service: placing and reading orders. Product details and stock are
 * owned by the inventory service and reached through `ctx.inventory`.
 *
 * Placing an order reserves the stock FIRST and records the order only once
 * the inventory service has confirmed the reservation, so a confirmed order
 * always has its stock. The order keeps a snapshot of the product name, unit
 * price and total, so reading orders never calls the inventory service and a
 * later price change does not rewrite history.
 */
import { HttpError } from '../../../shared/errors';
import { roundMoney } from '../../../shared/money';
import { nowTimestamp } from '../../../shared/time';
import type { AppContext } from '../context';
import { InventoryError, InventoryUnavailableError } from '../inventory-client';
import type { OrderCreate, OrderResponse, OrderRow } from './schema';
import { toOrderResponse } from './schema';

export interface CreateOrderResult {
  order: OrderResponse;
  /** False when an earlier request with the same Idempotency-Key already created the order. */
  created: boolean;
}

const unavailable = () => new HttpError(503, 'Inventory service unavailable', { 'Retry-After': '1' });

function findByKey(ctx: AppContext, key: string): Promise<OrderRow | undefined> {
  return ctx.db<OrderRow>('orders').where({ idempotency_key: key }).first();
}

/** A repeated request: the same key must describe the same order. */
function replay(row: OrderRow, input: OrderCreate): CreateOrderResult {
  if (row.product_id !== input.product_id || row.quantity !== input.quantity) {
    throw new HttpError(409, 'Idempotency-Key was already used for a different order');
  }
  return { order: toOrderResponse(row), created: false };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Maps a failed reservation to the answer of POST /api/orders. */
function reservationError(ctx: AppContext, err: unknown, input: OrderCreate): Error {
  if (err instanceof InventoryError) {
    // 400 insufficient stock (and anything else the inventory refuses): pass its reason on.
    return new HttpError(err.status === 404 || err.status === 409 ? err.status : 400, err.detail);
  }
  if (err instanceof InventoryUnavailableError) {
    ctx.logger.warn(`order not placed, the inventory service is unavailable: ${err.message}`, { ...input });
    return unavailable();
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * Places an order: checks the product, reserves the stock, then records the
 * confirmed order with its price snapshot. When the reservation is refused
 * (400 with the inventory's reason) or the inventory service cannot be
 * reached (503), nothing is recorded.
 *
 * `idempotencyKey` identifies the request: repeating it returns the order
 * created the first time (`created: false`) and reserves nothing more.
 */
export async function createOrder(ctx: AppContext, input: OrderCreate, idempotencyKey: string): Promise<CreateOrderResult> {
  const existing = await findByKey(ctx, idempotencyKey);
  if (existing) return replay(existing, input);

  const product = await ctx.inventory.getProduct(input.product_id);
  if (!product) throw unavailable();

  try {
    await ctx.inventory.reserve(input.product_id, input.quantity, idempotencyKey);
  } catch (err) {
    throw reservationError(ctx, err, input);
  }

  try {
    const [row] = await ctx
      .db<OrderRow>('orders')
      .insert({
        product_id: input.product_id,
        product_name: product.name,
        unit_price: product.price,
        quantity: input.quantity,
        total: roundMoney(product.price * input.quantity),
        status: 'confirmed',
        idempotency_key: idempotencyKey,
        created_at: nowTimestamp(),
      })
      .returning('*');
    return { order: toOrderResponse(row), created: true };
  } catch (err) {
    // A concurrent request with the same key won the race; its order is ours.
    const winner = isUniqueViolation(err) ? await findByKey(ctx, idempotencyKey) : undefined;
    if (winner) return replay(winner, input);
    ctx.logger.error(`stock reserved but the order could not be recorded (key ${idempotencyKey}): ${String(err)}`, { ...input });
    throw err;
  }
}

/** Every order, newest first (one query; no calls to the inventory service). */
export async function listOrders(ctx: AppContext): Promise<OrderResponse[]> {
  const rows = await ctx
    .db<OrderRow>('orders')
    .select('*')
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
  return rows.map(toOrderResponse);
}

/** One order; 404 if it does not exist. */
export async function getOrder(ctx: AppContext, id: number): Promise<OrderResponse> {
  const row = await ctx.db<OrderRow>('orders').where({ id }).first();
  if (!row) throw new HttpError(404, 'Order not found');
  return toOrderResponse(row);
}
