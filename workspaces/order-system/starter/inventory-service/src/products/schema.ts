/**
 * Products: the table row, request validation and the response shape.
 */
import { float, integer, optional, parseBody, string } from '../../../shared/validation';

/** A row of the `products` table. */
export interface ProductRow {
  id: number;
  name: string;
  description: string;
  /** Dollars, e.g. 49.99. */
  price: number;
  stock: number;
  category: string | null;
  created_at: string;
  updated_at: string;
}

export interface ProductResponse {
  id: number;
  name: string;
  description: string;
  price: number;
  stock: number;
  category: string | null;
}

export function toProductResponse(row: ProductRow): ProductResponse {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    price: row.price,
    stock: row.stock,
    category: row.category,
  };
}

/**
 * PATCH /api/products/:id body: every field is optional; omitted (or null)
 * fields keep their value. price > 0, stock a whole number >= 0.
 */
export function parseProductUpdate(body: unknown) {
  return parseBody(body, {
    name: optional(string({ minLength: 1, maxLength: 200 })),
    description: optional(string({ maxLength: 2000 })),
    price: optional(float({ gt: 0 })),
    stock: optional(integer({ ge: 0 })),
  });
}

export type ProductUpdate = ReturnType<typeof parseProductUpdate>;

/** POST /api/products/:id/reserve body: {"quantity": 2} (a whole number > 0). */
export function parseReserveRequest(body: unknown) {
  return parseBody(body, { quantity: integer({ gt: 0 }) });
}

export type ReserveRequest = ReturnType<typeof parseReserveRequest>;

/** What a successful reservation answers. */
export interface ReservationResponse {
  product_id: number;
  quantity: number;
  remaining_stock: number;
}
