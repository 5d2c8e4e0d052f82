import type { Knex } from 'knex';

/**
 * Orders keep a snapshot of what was bought: product name, unit price and
 * total at the time of purchase. They belong to the order, not to the
 * catalogue, so later price changes never rewrite history, and reading orders
 * needs no call to the inventory service.
 *
 * Orders recorded before this migration have no snapshot (null): their
 * historical price is not known any more.
 *
 * `idempotency_key` identifies the request that created the order, so a
 * retried request returns the same order instead of creating a second one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (table) => {
    table.text('product_name').nullable();
    table.float('unit_price').nullable();
    table.float('total').nullable();
    table.text('idempotency_key').nullable();
  });
  await knex.schema.alterTable('orders', (table) => {
    table.unique(['idempotency_key'], { indexName: 'orders_idempotency_key_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('orders', (table) => {
    table.dropUnique(['idempotency_key'], 'orders_idempotency_key_unique');
  });
  await knex.schema.alterTable('orders', (table) => {
    table.dropColumn('idempotency_key');
    table.dropColumn('total');
    table.dropColumn('unit_price');
    table.dropColumn('product_name');
  });
}
