/**
 * Products service: all database access for the catalogue. Business errors
 * are thrown as `HttpError(status, detail)` and rendered as `{"detail": "..."}`.
 */
import type { Knex } from 'knex';
import { HttpError } from '../../../shared/errors';
import { nowTimestamp } from '../../../shared/time';
import type { ProductRow, ProductUpdate, ReservationResponse } from './schema';

const notFound = () => new HttpError(404, 'Product not found');

/** Every product, by id. */
export async function listProducts(db: Knex): Promise<ProductRow[]> {
  return db<ProductRow>('products').select('*').orderBy('id');
}

/** One product; 404 if it does not exist. */
export async function getProduct(db: Knex, id: number): Promise<ProductRow> {
  const product = await db<ProductRow>('products').where({ id }).first();
  if (!product) throw notFound();
  return product;
}

/** Changes the given fields of a product; 404 if it does not exist. */
export async function updateProduct(db: Knex, id: number, update: ProductUpdate): Promise<ProductRow> {
  const changes: Partial<ProductRow> = {};
  if (update.name !== null) changes.name = update.name.trim();
  if (update.description !== null) changes.description = update.description;
  if (update.price !== null) changes.price = update.price;
  if (update.stock !== null) changes.stock = update.stock;
  if (Object.keys(changes).length === 0) return getProduct(db, id);

  const [row] = await db<ProductRow>('products')
    .where({ id })
    .update({ ...changes, updated_at: nowTimestamp() })
    .returning('*');
  if (!row) throw notFound();
  return row;
}

/**
 * Takes `quantity` units out of stock. The decrement is a single conditional
 * UPDATE (`... WHERE stock >= quantity`), so concurrent reservations can never
 * take the stock below zero. 404 for an unknown product, 400 when there is
 * not enough stock (nothing changes then).
 */
export async function reserveStock(db: Knex, id: number, quantity: number): Promise<ReservationResponse> {
  return db.transaction(async (trx) => {
    const [updated] = await trx<ProductRow>('products')
      .where({ id })
      .andWhere('stock', '>=', quantity)
      .update({ stock: trx.raw('stock - ?', [quantity]), updated_at: nowTimestamp() })
      .returning(['stock']);
    if (updated) return { product_id: id, quantity, remaining_stock: updated.stock };

    const product = await trx<ProductRow>('products').where({ id }).first();
    if (!product) throw notFound();
    throw new HttpError(400, `Insufficient stock for ${product.name}: requested ${quantity}, available ${product.stock}`);
  });
}
