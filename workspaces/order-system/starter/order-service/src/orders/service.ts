/**
 * Orders service: placing and reading orders. Product details and stock are
 * owned by the inventory service and reached through `ctx.inventory`.
 */
import { HttpError } from '../../../shared/errors';
import { nowTimestamp } from '../../../shared/time';
import type { AppContext } from '../context';
import type { OrderCreate, OrderResponse, OrderRow } from './schema';
import { toOrderResponse } from './schema';

/** Adds the product name, unit price and total to an order. */
async function enrichOrder(ctx: AppContext, order: OrderRow): Promise<OrderResponse> {
  let product = null;
  try {
    product = await ctx.inventory.getProduct(order.product_id);
  } catch (err) {
    ctx.logger.warn(`could not look up product ${order.product_id} of order ${order.id}: ${String(err)}`);
  }
  return toOrderResponse(order, product);
}

/**
 * Places an order: checks the product exists, records the order and reserves
 * the stock with the inventory service.
 */
export async function createOrder(ctx: AppContext, input: OrderCreate): Promise<OrderResponse> {
  const product = await ctx.inventory.getProduct(input.product_id);
  if (!product) throw new HttpError(400, 'Could not verify product');

  const [order] = await ctx
    .db<OrderRow>('orders')
    .insert({ product_id: input.product_id, quantity: input.quantity, status: 'confirmed', created_at: nowTimestamp() })
    .returning('*');

  try {
    await ctx.inventory.reserve(input.product_id, input.quantity);
  } catch (err) {
    ctx.logger.warn(`stock reservation failed for order ${order.id}: ${err instanceof Error ? err.message : String(err)}`, {
      order_id: order.id,
      product_id: input.product_id,
      quantity: input.quantity,
    });
  }

  return enrichOrder(ctx, order);
}

/** Every order, newest first. */
export async function listOrders(ctx: AppContext): Promise<OrderResponse[]> {
  const rows = await ctx
    .db<OrderRow>('orders')
    .select('*')
    .orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
  const orders: OrderResponse[] = [];
  for (const row of rows) orders.push(await enrichOrder(ctx, row));
  return orders;
}

/** One order; 404 if it does not exist. */
export async function getOrder(ctx: AppContext, id: number): Promise<OrderResponse> {
  const row = await ctx.db<OrderRow>('orders').where({ id }).first();
  if (!row) throw new HttpError(404, 'Order not found');
  return enrichOrder(ctx, row);
}
