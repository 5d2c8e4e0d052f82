import type { Knex } from 'knex';
import { NOW_TIMESTAMP_SQL } from './timestamps';

/** The product catalogue. Prices are dollars (REAL), stock is a whole number of units. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('products', (table) => {
    table.increments('id').primary();
    table.text('name').notNullable();
    table.text('description').notNullable().defaultTo('');
    table.float('price').notNullable();
    table.integer('stock').notNullable().defaultTo(0);
    table.text('category').nullable();
    table.text('created_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
    table.text('updated_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('products');
}
