import type { Knex } from 'knex';
import { NOW_TIMESTAMP_SQL } from './timestamps';

/**
 * PROVIDED: the price_alerts table used by the Price Alerts feature.
 *
 * An alert fires once when the stock's current price crosses `target_price`
 * in the direction given by `condition` ('above' or 'below').
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('price_alerts', (table) => {
    table.increments('id').primary();
    table.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    table.text('symbol').notNullable();
    table.float('target_price').notNullable();
    table.text('condition').notNullable(); // 'above' | 'below'
    table.boolean('is_triggered').notNullable().defaultTo(false);
    table.boolean('is_active').notNullable().defaultTo(true);
    table.text('created_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
    table.text('triggered_at').nullable();
    table.index(['user_id', 'is_active', 'is_triggered']);
    table.index(['symbol']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('price_alerts');
}
