/**
 * Orders: the table row, request validation and the response shape.
 */
import { roundMoney } from '../../../shared/money';
import { formatTimestamp } from '../../../shared/time';
import { integer, parseBody } from '../../../shared/validation';
import type { Product } from '../inventory-client';

export type OrderStatus = 'confirmed';

/** A row of the `orders` table. */
export interface OrderRow {
  id: number;
  product_id: number;
  quantity: number;
  status: OrderStatus;
  created_at: string;
}

/** POST /api/orders body: {"product_id": 3, "quantity": 2}, both whole numbers > 0. */
export function parseOrderCreate(body: unknown) {
  return parseBody(body, {
    product_id: integer({ gt: 0 }),
    quantity: integer({ gt: 0 }),
  });
}

export type OrderCreate = ReturnType<typeof parseOrderCreate>;

export interface OrderResponse {
  id: number;
  product_id: number;
  /** null when the product could not be looked up. */
  product_name: string | null;
  unit_price: number | null;
  quantity: number;
  total: number | null;
  status: OrderStatus;
  created_at: string;
}

/** Builds the JSON of an order from its row and its product (null if unknown). */
export function toOrderResponse(row: OrderRow, product: Product | null): OrderResponse {
  return {
    id: row.id,
    product_id: row.product_id,
    product_name: product ? product.name : null,
    unit_price: product ? product.price : null,
    quantity: row.quantity,
    total: product ? roundMoney(product.price * row.quantity) : null,
    status: row.status,
    created_at: formatTimestamp(row.created_at),
  };
}
