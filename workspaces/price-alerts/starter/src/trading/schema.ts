import { formatTimestamp } from '../time';
import { float, optional, parseBody, string, validated, ValueError } from '../validation';

export type OrderType = 'market' | 'limit';
export type OrderSide = 'buy' | 'sell';
export type OrderStatus = 'pending' | 'filled' | 'cancelled' | 'rejected';

/** A row of the `orders` table. */
export interface OrderRow {
  id: number;
  user_id: number;
  symbol: string;
  order_type: OrderType;
  side: OrderSide;
  quantity: number;
  limit_price: number | null;
  filled_quantity: number;
  filled_price: number | null;
  status: OrderStatus;
  created_at: string;
  updated_at: string;
}

/** A row of the `portfolio_holdings` table. */
export interface HoldingRow {
  id: number;
  user_id: number;
  symbol: string;
  quantity: number;
  average_buy_price: number;
  created_at: string;
  updated_at: string;
}

export interface OrderResponse {
  id: number;
  symbol: string;
  order_type: string;
  side: string;
  quantity: number;
  limit_price: number | null;
  filled_quantity: number;
  filled_price: number | null;
  status: string;
  created_at: string;
  updated_at: string;
}

export function toOrderResponse(order: OrderRow): OrderResponse {
  return {
    id: order.id,
    symbol: order.symbol,
    order_type: order.order_type,
    side: order.side,
    quantity: order.quantity,
    limit_price: order.limit_price,
    filled_quantity: order.filled_quantity ?? 0,
    filled_price: order.filled_price,
    status: order.status,
    created_at: formatTimestamp(order.created_at),
    updated_at: formatTimestamp(order.updated_at),
  };
}

function oneOf<T extends string>(allowed: readonly T[], message: string) {
  return (value: string): T => {
    const normalised = value.toLowerCase();
    const match = allowed.find((option) => option === normalised);
    if (match === undefined) throw new ValueError(message);
    return match;
  };
}

/** POST /orders JSON body. order_type and side are case-insensitive. */
export function parseOrderCreate(body: unknown) {
  return parseBody(body, {
    symbol: string(),
    order_type: validated(string(), oneOf<OrderType>(['market', 'limit'], 'order_type must be "market" or "limit"')),
    side: validated(string(), oneOf<OrderSide>(['buy', 'sell'], 'side must be "buy" or "sell"')),
    quantity: validated(float(), (quantity) => {
      if (quantity <= 0) throw new ValueError('quantity must be greater than 0');
      return quantity;
    }),
    limit_price: optional(float()),
  });
}

export type OrderCreate = ReturnType<typeof parseOrderCreate>;
