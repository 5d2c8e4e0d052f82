import type { Knex } from 'knex';
import { NOW_TIMESTAMP_SQL } from './timestamps';

/** Orders placed by customers. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('orders', (table) => {
    table.increments('id').primary();
    table.integer('product_id').notNullable();
    table.integer('quantity').notNullable();
    table.text('status').notNullable().defaultTo('confirmed');
    table.text('created_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
    table.index(['created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('orders');
}
