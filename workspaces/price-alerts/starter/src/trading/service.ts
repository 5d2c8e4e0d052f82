import type { Knex } from 'knex';
import type { User, UserRow } from '../auth/schema';
import { HttpError } from '../errors';
import { finiteOrNull, formatFixed2, formatPyFloat } from '../money';
import { getStock } from '../stocks/service';
import { nowTimestamp } from '../time';
import type { HoldingRow, OrderCreate, OrderRow } from './schema';

/**
 * Places an order. The order is saved as `pending` first; market orders (and
 * limit orders whose price is already acceptable) are then executed at the
 * current price. Insufficient funds/shares mark the order `rejected` and answer 400.
 */
export async function placeOrder(db: Knex, user: User, input: OrderCreate): Promise<OrderRow> {
  const symbol = input.symbol.toUpperCase();
  const stock = await getStock(db, symbol);
  if (!stock) throw new HttpError(404, `Stock ${symbol} not found`);

  if (input.order_type === 'limit' && !input.limit_price) {
    throw new HttpError(400, 'Limit price is required for limit orders');
  }

  const currentPrice = finiteOrNull(stock.current_price);
  if (currentPrice === null || currentPrice <= 0) {
    throw new HttpError(400, `Stock ${symbol} has no valid price and cannot be traded right now`);
  }

  const now = nowTimestamp();
  const [order] = await db<OrderRow>('orders')
    .insert({
      user_id: user.id,
      symbol,
      order_type: input.order_type,
      side: input.side,
      quantity: input.quantity,
      limit_price: input.limit_price,
      filled_quantity: 0,
      filled_price: null,
      status: 'pending',
      created_at: now,
      updated_at: now,
    })
    .returning('*');

  // Limit orders execute immediately (at the better, current price) when the limit allows it.
  const limit = input.limit_price ?? 0;
  const executable =
    input.order_type === 'market' || (input.side === 'buy' && limit >= currentPrice) || (input.side === 'sell' && limit <= currentPrice);

  return executable ? executeOrder(db, order, currentPrice) : order;
}

type Execution = { filled: OrderRow } | { rejected: string };

/** Fills an order at `price` inside one transaction (balance, holding and order change together). */
async function executeOrder(db: Knex, order: OrderRow, price: number): Promise<OrderRow> {
  const outcome = await db.transaction(async (trx): Promise<Execution> => {
    const now = nowTimestamp();
    const account = await trx<UserRow>('users').where({ id: order.user_id }).first();
    if (!account) throw new Error(`User ${order.user_id} disappeared while executing order ${order.id}`);
    const holding = await trx<HoldingRow>('portfolio_holdings').where({ user_id: order.user_id, symbol: order.symbol }).first();
    const totalCost = price * order.quantity;

    const reject = async (reason: string): Promise<Execution> => {
      await trx<OrderRow>('orders').where({ id: order.id }).update({ status: 'rejected', updated_at: now });
      return { rejected: reason };
    };

    if (order.side === 'buy') {
      if (account.balance < totalCost) {
        return reject(`Insufficient funds. Required: $${formatFixed2(totalCost)}, Available: $${formatFixed2(account.balance)}`);
      }
      await trx<UserRow>('users')
        .where({ id: account.id })
        .update({ balance: account.balance - totalCost });

      if (holding) {
        const totalShares = holding.quantity + order.quantity;
        const totalValue = holding.quantity * holding.average_buy_price + order.quantity * price;
        await trx<HoldingRow>('portfolio_holdings')
          .where({ id: holding.id })
          .update({ quantity: totalShares, average_buy_price: totalValue / totalShares, updated_at: now });
      } else {
        await trx<HoldingRow>('portfolio_holdings').insert({
          user_id: order.user_id,
          symbol: order.symbol,
          quantity: order.quantity,
          average_buy_price: price,
          created_at: now,
          updated_at: now,
        });
      }
    } else {
      if (!holding || holding.quantity < order.quantity) {
        const available = holding ? formatPyFloat(holding.quantity) : '0';
        return reject(`Insufficient shares. Required: ${formatPyFloat(order.quantity)}, Available: ${available}`);
      }
      await trx<UserRow>('users')
        .where({ id: account.id })
        .update({ balance: account.balance + totalCost });

      const remaining = holding.quantity - order.quantity;
      if (remaining === 0) {
        await trx<HoldingRow>('portfolio_holdings').where({ id: holding.id }).delete();
      } else {
        await trx<HoldingRow>('portfolio_holdings').where({ id: holding.id }).update({ quantity: remaining, updated_at: now });
      }
    }

    const [filled] = await trx<OrderRow>('orders')
      .where({ id: order.id })
      .update({ filled_quantity: order.quantity, filled_price: price, status: 'filled', updated_at: now })
      .returning('*');
    return { filled };
  });

  if ('rejected' in outcome) throw new HttpError(400, outcome.rejected);
  return outcome.filled;
}

/** The user's orders, newest first, optionally filtered by status. */
export async function getOrders(db: Knex, user: User, status: string | null): Promise<OrderRow[]> {
  const query = db('orders').where({ user_id: user.id }).select<OrderRow[]>('*');
  if (status) query.andWhere({ status });
  return query.orderBy([
    { column: 'created_at', order: 'desc' },
    { column: 'id', order: 'desc' },
  ]);
}

/** One of the user's orders; 404 if missing or owned by someone else. */
export async function getOrder(db: Knex, user: User, orderId: number): Promise<OrderRow> {
  const order = await db<OrderRow>('orders').where({ id: orderId, user_id: user.id }).first();
  if (!order) throw new HttpError(404, 'Order not found');
  return order;
}

/** Cancels a pending order; 400 for any other status. */
export async function cancelOrder(db: Knex, user: User, orderId: number): Promise<OrderRow> {
  const order = await getOrder(db, user, orderId);
  if (order.status !== 'pending') throw new HttpError(400, `Cannot cancel order with status: ${order.status}`);
  const [cancelled] = await db<OrderRow>('orders')
    .where({ id: order.id, status: 'pending' })
    .update({ status: 'cancelled', updated_at: nowTimestamp() })
    .returning('*');
  if (!cancelled) {
    // Filled or cancelled by a concurrent request in the meantime.
    const latest = await getOrder(db, user, orderId);
    throw new HttpError(400, `Cannot cancel order with status: ${latest.status}`);
  }
  return cancelled;
}
