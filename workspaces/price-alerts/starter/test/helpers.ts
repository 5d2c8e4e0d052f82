/**
 * Test helpers: every test gets its own app instance listening on a random
 * port, backed by a fresh (migrated + seeded) SQLite database of its own.
 * Tests therefore never depend on each other or on their order.
 *
 * Fast by design: the database is migrated and seeded once per test process
 * (a template) and each test gets its own copy of it, in memory; passwords are
 * hashed with the lowest bcrypt cost (`bcryptCost: 4`, see AppConfig); the
 * client is a thin layer over node:http.
 *
 *   describe('watchlist', () => {
 *     const app = useTestApp();
 *
 *     it('adds a stock', async () => {
 *       const api = await app.authenticatedClient();
 *       const res = await api.post<WatchlistItemJson>('/watchlist', { symbol: 'AAPL' });
 *       assert.equal(res.status, 201);
 *     });
 *   });
 */
import fs from 'node:fs';
import http, { type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach } from 'node:test';
import type { Knex } from 'knex';
import { createApp } from '../src/app';
import { DEFAULT_CONFIG, type AppConfig } from '../src/config';
import { migrateLatest, openDatabase } from '../src/db';
import { seedStocks } from '../src/db/seed';
import { createLogger, isLogLevel } from '../src/logger';

// ---------------------------------------------------------------------------
// Response shapes (what the API returns), for typing test code
// ---------------------------------------------------------------------------

export interface ErrorJson {
  detail: string;
}

export interface ValidationErrorJson {
  detail: { type: string; loc: (string | number)[]; msg: string; input: unknown }[];
}

export interface UserJson {
  id: number;
  email: string;
  username: string;
  full_name: string | null;
  balance: number;
  created_at: string;
}

export interface TokenJson {
  access_token: string;
  token_type: string;
}

export interface StockJson {
  id: number;
  symbol: string;
  name: string;
  current_price: number;
  previous_close: number | null;
  day_high: number | null;
  day_low: number | null;
  volume: number;
  market_cap: number | null;
  sector: string | null;
  change: number;
  change_percent: number;
  updated_at: string;
}

export interface OrderJson {
  id: number;
  symbol: string;
  order_type: string;
  side: string;
  quantity: number;
  limit_price: number | null;
  filled_quantity: number;
  filled_price: number | null;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface HoldingJson {
  id: number;
  symbol: string;
  quantity: number;
  average_buy_price: number;
  current_price: number;
  current_value: number;
  total_gain_loss: number;
  gain_loss_percent: number;
}

export interface PortfolioJson {
  cash_balance: number;
  total_holdings_value: number;
  total_portfolio_value: number;
  total_gain_loss: number;
  holdings: HoldingJson[];
}

export interface WatchlistItemJson {
  id: number;
  symbol: string;
  added_at: string;
  current_price: number | null;
  change: number;
  change_percent: number;
}

export interface AlertJson {
  id: number;
  symbol: string;
  target_price: number;
  condition: string;
  is_triggered: boolean;
  is_active: boolean;
  created_at: string;
  triggered_at: string | null;
  current_price: number | null;
}

// ---------------------------------------------------------------------------
// HTTP client
// ---------------------------------------------------------------------------

export interface ApiResponse<T> {
  status: number;
  /** Response headers, names in lower case. */
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (null for an empty body, e.g. 204). */
  body: T;
}

/** A tiny HTTP client bound to one server and (optionally) one bearer token. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly token: string | null = null,
  ) {}

  /** A copy of this client that sends `Authorization: Bearer <token>`. */
  withToken(token: string | null): ApiClient {
    return new ApiClient(this.baseUrl, token);
  }

  get<T = unknown>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, json?: unknown): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, json === undefined ? undefined : { json });
  }

  /** POST an `application/x-www-form-urlencoded` body. */
  postForm<T = unknown>(path: string, form: Record<string, string>): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { form });
  }

  delete<T = unknown>(path: string): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path);
  }

  /**
   * Sends one request. The body is JSON (`json`), a form (`form`) or any text
   * with its content type (`raw`, e.g. malformed JSON).
   */
  async request<T>(
    method: string,
    path: string,
    payload?: { json?: unknown; form?: Record<string, string>; raw?: { contentType: string; text: string } },
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = {};
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let body: string | undefined;
    if (payload?.raw) {
      headers['content-type'] = payload.raw.contentType;
      body = payload.raw.text;
    } else if (payload?.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(payload.form).toString();
    } else if (payload && 'json' in payload) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(payload.json);
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    const res = await new Promise<{ status: number; headers: IncomingHttpHeaders; text: string }>((resolve, reject) => {
      const req = http.request(`${this.baseUrl}${path}`, { method, headers }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text }));
        response.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
    return { status: res.status, headers: res.headers, body: (res.text ? JSON.parse(res.text) : null) as T };
  }
}

// ---------------------------------------------------------------------------
// App lifecycle
// ---------------------------------------------------------------------------

export const TEST_USER = { email: 'test@example.com', username: 'testuser', password: 'testpassword123', full_name: 'Test User' };
export const RICH_USER = { email: 'rich@example.com', username: 'richuser', password: 'richpassword123', full_name: 'Rich User' };

export interface TestApp {
  baseUrl: string;
  db: Knex;
  /** An anonymous client. */
  client(): ApiClient;
  /** Registers + logs in TEST_USER ($10,000 balance) and returns an authenticated client. */
  authenticatedClient(): Promise<ApiClient>;
  /** Registers + logs in RICH_USER and deposits up to a $100,000 balance. */
  richAuthenticatedClient(): Promise<ApiClient>;
  /** Registers + logs in any user. */
  registerAndLogin(user: { email: string; username: string; password: string; full_name?: string }): Promise<ApiClient>;
  close(): Promise<void>;
}

/** The bytes of a migrated and seeded database, made once per test process and copied by every test. */
let template: Promise<Buffer> | undefined;

function templateDatabase(): Promise<Buffer> {
  template ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'price-alerts-template-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'template.db');
    const db = openDatabase(file);
    try {
      await migrateLatest(db);
      await seedStocks(db);
      // Fold the write-ahead log into the file and leave WAL mode, so the file's bytes hold everything
      // and open as a database in memory (which cannot have a write-ahead log).
      await db.raw('PRAGMA wal_checkpoint(TRUNCATE)');
      await db.raw('PRAGMA journal_mode = DELETE');
    } finally {
      await db.destroy();
    }
    return fs.readFileSync(file);
  })();
  return template;
}

/** Starts a fresh app (own database in memory, random port). Call `close()` when done. */
export async function startTestApp(overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  const source = await templateDatabase();
  const config: AppConfig = {
    ...DEFAULT_CONFIG,
    port: 0,
    databasePath: ':memory:',
    jwtSecret: 'test-secret',
    bcryptCost: 4,
    ...overrides,
  };
  const level = process.env.TEST_LOG_LEVEL ?? 'silent';
  const logger = createLogger({ level: isLogLevel(level) ? level : 'silent' });

  // This test's own copy of the template, in memory.
  const db = openDatabase(source);

  const server: Server = createApp({ db, logger, config }).listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const anonymous = new ApiClient(baseUrl);

  const registerAndLogin: TestApp['registerAndLogin'] = async (user) => {
    const registered = await anonymous.post('/auth/register', user);
    if (registered.status !== 201) throw new Error(`register failed: ${registered.status} ${JSON.stringify(registered.body)}`);
    const login = await anonymous.postForm<TokenJson>('/auth/login', { username: user.username, password: user.password });
    if (login.status !== 200) throw new Error(`login failed: ${login.status} ${JSON.stringify(login.body)}`);
    return anonymous.withToken(login.body.access_token);
  };

  return {
    baseUrl,
    db,
    client: () => anonymous,
    authenticatedClient: () => registerAndLogin(TEST_USER),
    richAuthenticatedClient: async () => {
      const api = await registerAndLogin(RICH_USER);
      const deposit = await api.post('/auth/deposit?amount=90000');
      if (deposit.status !== 200) throw new Error(`deposit failed: ${deposit.status}`);
      return api;
    },
    registerAndLogin,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
    },
  };
}

/**
 * Registers beforeEach/afterEach hooks in the current `describe` so that each
 * test gets a fresh app. The returned object gives access to the current one.
 */
export function useTestApp(): Omit<TestApp, 'close'> {
  let current: TestApp | undefined;
  beforeEach(async () => {
    current = await startTestApp();
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const app = (): TestApp => {
    if (!current) throw new Error('useTestApp(): no app running (use it inside a test)');
    return current;
  };
  return {
    get baseUrl() {
      return app().baseUrl;
    },
    get db() {
      return app().db;
    },
    client: () => app().client(),
    authenticatedClient: () => app().authenticatedClient(),
    richAuthenticatedClient: () => app().richAuthenticatedClient(),
    registerAndLogin: (user) => app().registerAndLogin(user),
  };
}
