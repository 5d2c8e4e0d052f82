/**
 * Test helpers: each test starts the services it needs with `createApp` on a
 * random port, backed by fresh SQLite databases of its own (migrated and seeded
 * exactly like the files the servers use). For speed, each database is migrated
 * and seeded once per test process (a template file) and every service gets its
 * own copy of that file, deleted when it closes. The
 * order service is pointed at a real inventory service, and the web frontend
 * at both, exactly as in production — only the addresses differ.
 *
 *   describe('orders', () => {
 *     const system = useSystem();
 *
 *     it('creates an order', async () => {
 *       const res = await system.orders.post<OrderJson>('/api/orders', { product_id: 1, quantity: 2 });
 *       assert.equal(res.status, 201);
 *     });
 *   });
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'node:test';
import type { Express } from 'express';
import type { Knex } from 'knex';
import { createLogger, isLogLevel, type Logger } from '../shared/logger';
import { createApp as createInventoryApp } from '../inventory-service/src/app';
import { DEFAULT_CONFIG as INVENTORY_DEFAULTS } from '../inventory-service/src/config';
import { migrateLatest as migrateInventory, openDatabase } from '../inventory-service/src/db';
import { seedProducts } from '../inventory-service/src/db/seed';
import { createApp as createOrdersApp } from '../order-service/src/app';
import { DEFAULT_CONFIG as ORDERS_DEFAULTS, type OrdersConfig } from '../order-service/src/config';
import { migrateLatest as migrateOrders } from '../order-service/src/db';
import { createApp as createWebApp } from '../web/src/app';
import { DEFAULT_CONFIG as WEB_DEFAULTS, type WebConfig } from '../web/src/config';

// ---------------------------------------------------------------------------
// Response shapes (what the APIs return), for typing test code
// ---------------------------------------------------------------------------

export interface ErrorJson {
  detail: string;
}

export interface ValidationErrorJson {
  detail: { type: string; loc: (string | number)[]; msg: string; input: unknown }[];
}

export interface ProductJson {
  id: number;
  name: string;
  description: string;
  price: number;
  stock: number;
  category: string | null;
}

export interface ReservationJson {
  product_id: number;
  quantity: number;
  remaining_stock: number;
}

export interface OrderJson {
  id: number;
  product_id: number;
  product_name: string | null;
  unit_price: number | null;
  quantity: number;
  total: number | null;
  status: string;
  created_at: string;
}

// ---------------------------------------------------------------------------
// HTTP client
// ---------------------------------------------------------------------------

export interface ApiResponse<T> {
  status: number;
  headers: Headers;
  /** The parsed JSON body (null for an empty or non-JSON body; see `text`). */
  body: T;
  text: string;
}

export interface RequestOptions {
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as-is (e.g. malformed JSON), with content-type application/json. */
  raw?: string;
  headers?: Record<string, string>;
}

/** A tiny fetch wrapper bound to one server. */
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  get<T = unknown>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, { headers });
  }

  post<T = unknown>(path: string, json?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, json === undefined ? { headers } : { json, headers });
  }

  patch<T = unknown>(path: string, json?: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('PATCH', path, json === undefined ? {} : { json });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if ('json' in options) body = JSON.stringify(options.json);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await res.text();
    let parsed: unknown = null;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }
}

// ---------------------------------------------------------------------------
// Services
// ---------------------------------------------------------------------------

export interface RunningService extends ApiClient {
  close(): Promise<void>;
}

export interface DatabaseService extends RunningService {
  db: Knex;
}

function testLogger(): Logger {
  const level = process.env.TEST_LOG_LEVEL ?? 'silent';
  return createLogger({ level: isLogLevel(level) ? level : 'silent' });
}

async function listen(app: Express, onClose: () => Promise<void> = async () => undefined): Promise<RunningService> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new ApiClient(`http://127.0.0.1:${port}`) as RunningService;
  client.close = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await onClose();
  };
  return client;
}

/** This test process's folder for database files (removed when it exits). */
let scratch: string | undefined;
let copies = 0;
const templates = new Map<string, Promise<string>>();

function scratchDir(): string {
  if (!scratch) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'order-system-test-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    scratch = dir;
  }
  return scratch;
}

/** A database file built once per test process by `build` (migrations, seed), copied by every test. */
function templateDatabase(name: string, build: (db: Knex) => Promise<unknown>): Promise<string> {
  let template = templates.get(name);
  if (!template) {
    template = (async () => {
      const file = path.join(scratchDir(), `${name}.template.db`);
      const db = openDatabase(file);
      try {
        await build(db);
        // Fold the write-ahead log into the file, so a plain copy holds everything.
        await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
      } finally {
        await db.destroy();
      }
      return file;
    })();
    templates.set(name, template);
  }
  return template;
}

/** A fresh database of its own for one service: a copy of the template, deleted by `remove`. */
async function freshDatabase(name: string, build: (db: Knex) => Promise<unknown>): Promise<{ file: string; remove: () => void }> {
  const template = await templateDatabase(name, build);
  const file = path.join(scratchDir(), `${name}-${++copies}.db`);
  fs.copyFileSync(template, file);
  return { file, remove: () => ['', '-wal', '-shm'].forEach((suffix) => fs.rmSync(file + suffix, { force: true })) };
}

/** A migrated and seeded inventory service on a random port. */
export async function startInventory(): Promise<DatabaseService> {
  const fresh = await freshDatabase('inventory', async (db) => {
    await migrateInventory(db);
    await seedProducts(db);
  });
  const config = { ...INVENTORY_DEFAULTS, port: 0, databasePath: fresh.file };
  const db = openDatabase(config.databasePath);
  const service = await listen(createInventoryApp({ db, logger: testLogger(), config }), async () => {
    await db.destroy();
    fresh.remove();
  });
  return Object.assign(service, { db });
}

/** An order service on a random port that talks to the inventory service at `inventoryUrl`. */
export async function startOrders(inventoryUrl: string, overrides: Partial<OrdersConfig> = {}): Promise<DatabaseService> {
  const fresh = await freshDatabase('orders', (db) => migrateOrders(db));
  const config: OrdersConfig = { ...ORDERS_DEFAULTS, port: 0, databasePath: fresh.file, inventoryUrl, ...overrides };
  const db = openDatabase(config.databasePath);
  const service = await listen(createOrdersApp({ db, logger: testLogger(), config }), async () => {
    await db.destroy();
    fresh.remove();
  });
  return Object.assign(service, { db });
}

/** The web frontend on a random port, proxying to the given services. */
export async function startWeb(
  urls: { inventoryUrl: string; ordersUrl: string },
  overrides: Partial<WebConfig> = {},
): Promise<RunningService> {
  const config: WebConfig = { ...WEB_DEFAULTS, port: 0, ...urls, ...overrides };
  return listen(createWebApp({ logger: testLogger(), config }));
}

export interface TestSystem {
  inventory: DatabaseService;
  orders: DatabaseService;
  web: RunningService;
  close(): Promise<void>;
}

/** The whole system: inventory, orders (pointed at inventory) and web (pointed at both). */
export async function startSystem(): Promise<TestSystem> {
  const inventory = await startInventory();
  const orders = await startOrders(inventory.baseUrl);
  const web = await startWeb({ inventoryUrl: inventory.baseUrl, ordersUrl: orders.baseUrl });
  return {
    inventory,
    orders,
    web,
    async close() {
      await web.close();
      await orders.close();
      await inventory.close();
    },
  };
}

/**
 * Registers beforeEach/afterEach hooks in the current `describe` so that each
 * test gets a fresh system. The returned object gives access to the current one.
 */
export function useSystem(): Omit<TestSystem, 'close'> {
  let current: TestSystem | undefined;
  beforeEach(async () => {
    current = await startSystem();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const system = (): TestSystem => {
    if (!current) throw new Error('useSystem(): no system running (use it inside a test)');
    return current;
  };
  return {
    get inventory() {
      return system().inventory;
    },
    get orders() {
      return system().orders;
    },
    get web() {
      return system().web;
    },
  };
}

/** A port on which nothing listens (for "service unreachable" tests). */
export async function closedPortUrl(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** The canonical timestamp format of the APIs: 2026-11-23T10:11:12.345000. */
export const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}$/;
