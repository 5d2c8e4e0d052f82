import type { Knex } from 'knex';
import { NOW_TIMESTAMP_SQL } from './timestamps';

/**
 * Users, stocks, orders, portfolio holdings and watchlists.
 * Timestamps are TEXT (see src/time.ts); money and quantities are REAL.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (table) => {
    table.increments('id').primary();
    table.text('email').notNullable().unique();
    table.text('username').notNullable().unique();
    table.text('hashed_password').notNullable();
    table.text('full_name').nullable();
    table.float('balance').notNullable().defaultTo(10000);
    table.text('created_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
  });

  await knex.schema.createTable('stocks', (table) => {
    table.increments('id').primary();
    table.text('symbol').notNullable().unique();
    table.text('name').notNullable();
    // Nullable on purpose: market data feeds are not always complete.
    table.float('current_price').nullable();
    table.float('previous_close').nullable();
    table.float('day_high').nullable();
    table.float('day_low').nullable();
    table.bigInteger('volume').notNullable().defaultTo(0);
    table.float('market_cap').nullable();
    table.text('sector').nullable();
    table.text('updated_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
  });

  await knex.schema.createTable('orders', (table) => {
    table.increments('id').primary();
    table.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    table.text('symbol').notNullable();
    table.text('order_type').notNullable();
    table.text('side').notNullable();
    table.float('quantity').notNullable();
    table.float('limit_price').nullable();
    table.float('filled_quantity').notNullable().defaultTo(0);
    table.float('filled_price').nullable();
    table.text('status').notNullable().defaultTo('pending');
    table.text('created_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
    table.text('updated_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
    table.index(['user_id', 'created_at']);
  });

  await knex.schema.createTable('portfolio_holdings', (table) => {
    table.increments('id').primary();
    table.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    table.text('symbol').notNullable();
    table.float('quantity').notNullable();
    table.float('average_buy_price').notNullable();
    table.text('created_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
    table.text('updated_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
    table.unique(['user_id', 'symbol']);
  });

  await knex.schema.createTable('watchlists', (table) => {
    table.increments('id').primary();
    table.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    table.text('symbol').notNullable();
    table.text('added_at').notNullable().defaultTo(knex.raw(NOW_TIMESTAMP_SQL));
    table.unique(['user_id', 'symbol']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('watchlists');
  await knex.schema.dropTableIfExists('portfolio_holdings');
  await knex.schema.dropTableIfExists('orders');
  await knex.schema.dropTableIfExists('stocks');
  await knex.schema.dropTableIfExists('users');
}
