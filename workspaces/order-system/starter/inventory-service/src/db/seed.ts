import type { Knex } from 'knex';
import { nowTimestamp } from '../../../shared/time';

export interface ProductSeed {
  id: number;
  name: string;
  description: string;
  price: number;
  stock: number;
  category: string;
}

/** The catalogue the shop starts with. */
export const PRODUCTS: readonly ProductSeed[] = [
  {
    id: 1,
    name: 'Wireless Mouse',
    description: 'Ergonomic 2.4 GHz mouse with a silent click.',
    price: 29.99,
    stock: 50,
    category: 'Accessories',
  },
  {
    id: 2,
    name: 'Mechanical Keyboard',
    description: 'Tenkeyless keyboard with hot-swappable brown switches.',
    price: 89.99,
    stock: 25,
    category: 'Peripherals',
  },
  {
    id: 3,
    name: 'USB-C Hub',
    description: '7-in-1 hub: HDMI, 3x USB-A, SD, microSD and 100 W pass-through.',
    price: 49.99,
    stock: 40,
    category: 'Accessories',
  },
  {
    id: 4,
    name: 'Webcam HD',
    description: '1080p webcam with a privacy shutter and dual microphones.',
    price: 79.99,
    stock: 3,
    category: 'Peripherals',
  },
  {
    id: 5,
    name: '27-inch Monitor',
    description: '27" QHD IPS monitor, 75 Hz, height-adjustable stand.',
    price: 249.99,
    stock: 10,
    category: 'Displays',
  },
  {
    id: 6,
    name: 'Laptop Stand',
    description: 'Foldable aluminium stand, six height settings.',
    price: 39.99,
    stock: 30,
    category: 'Accessories',
  },
  {
    id: 7,
    name: 'Noise-Cancelling Headphones',
    description: 'Over-ear Bluetooth headphones with 30 h battery life.',
    price: 199.99,
    stock: 15,
    category: 'Audio',
  },
  {
    id: 8,
    name: 'USB Microphone',
    description: 'Cardioid condenser microphone for calls and podcasts.',
    price: 119.99,
    stock: 12,
    category: 'Audio',
  },
];

/**
 * Inserts any seed product that is missing (by id). Existing rows — and their
 * current prices and stock — are left untouched, so this is safe to run on
 * every start. Returns the number of products inserted.
 */
export async function seedProducts(db: Knex): Promise<number> {
  const now = nowTimestamp();
  const inserted = await db('products')
    .insert(PRODUCTS.map((product) => ({ ...product, created_at: now, updated_at: now })))
    .onConflict('id')
    .ignore()
    .returning('id');
  return inserted.length;
}
