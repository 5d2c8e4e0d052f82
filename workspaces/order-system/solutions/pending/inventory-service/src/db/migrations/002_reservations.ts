import type { Knex } from 'knex';
import { NOW_TIMESTAMP_SQL } from './timestamps';

/**
 * Reservations made with an Idempotency-Key. A repeated request with the same
 * key gets the recorded answer instead of taking the stock a second time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('reservations', (table) => {
    table.text('key').primary();
    table.integer('product_id').notNullable().references('id').inTable('products');
    table.integer('quantity').notNullable();
    table.integer('remaining_stock').notNullable();
    table.text('created_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('reservations');
}
