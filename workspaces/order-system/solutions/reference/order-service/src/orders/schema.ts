/**
 * Orders: the table row, request validation and the response shape.
 */
import { RequestValidationError } from '../../../shared/errors';
import { formatTimestamp } from '../../../shared/time';
import { integer, parseBody } from '../../../shared/validation';

export type OrderStatus = 'pending' | 'confirmed' | 'cancelled';

/** A row of the `orders` table. */
export interface OrderRow {
  id: number;
  product_id: number;
  quantity: number;
  status: OrderStatus;
  created_at: string;
  /** Snapshot at the time of purchase (null only for orders recorded before it existed). */
  product_name: string | null;
  unit_price: number | null;
  total: number | null;
  idempotency_key: string | null;
}

/** POST /api/orders body: {"product_id": 3, "quantity": 2}, both whole numbers > 0. */
export function parseOrderCreate(body: unknown) {
  return parseBody(body, {
    product_id: integer({ gt: 0 }),
    quantity: integer({ gt: 0 }),
  });
}

export type OrderCreate = ReturnType<typeof parseOrderCreate>;

/** The optional Idempotency-Key request header: null when absent, 422 when longer than 255 characters. */
export function parseIdempotencyKey(raw: string | undefined): string | null {
  const key = raw?.trim() ?? '';
  if (key === '') return null;
  if (key.length > 255) {
    throw new RequestValidationError([
      { type: 'string_too_long', loc: ['header', 'idempotency-key'], msg: 'String should have at most 255 characters', input: key },
    ]);
  }
  return key;
}

export interface OrderResponse {
  id: number;
  product_id: number;
  product_name: string | null;
  unit_price: number | null;
  quantity: number;
  total: number | null;
  status: OrderStatus;
  created_at: string;
}

/** Builds the JSON of an order from its row alone (the snapshot taken when it was placed). */
export function toOrderResponse(row: OrderRow): OrderResponse {
  return {
    id: row.id,
    product_id: row.product_id,
    product_name: row.product_name,
    unit_price: row.unit_price,
    quantity: row.quantity,
    total: row.total,
    status: row.status,
    created_at: formatTimestamp(row.created_at),
  };
}
