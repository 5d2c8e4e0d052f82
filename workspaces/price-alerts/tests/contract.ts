/**
 * Black-box HTTP contract for the price-alerts exercise (reference solution).
 *
 * Usage:
 *   priceAlertsContract(() => 'http://127.0.0.1:8000');
 *
 * The server's database is shared by every test, so each test registers its
 * own uniquely named user and relies on nothing but the 15 seeded stocks.
 * Prices can move (the simulate endpoints are exercised here), so tests read
 * the current price right before depending on it, and only DIS / NFLX are
 * simulated individually.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';

// ---------------------------------------------------------------------------
// Wire types
// ---------------------------------------------------------------------------

interface ErrorBody {
  detail: string;
}

interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
}

interface ValidationBody {
  detail: ValidationIssue[];
}

interface UserBody {
  id: number;
  email: string;
  username: string;
  full_name: string | null;
  balance: number;
  created_at: string;
}

interface TokenBody {
  access_token: string;
  token_type: string;
}

interface MoneyBody {
  message: string;
  new_balance: number;
}

interface StockBody {
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

interface SearchBody {
  symbol: string;
  name: string;
  current_price: number;
  change: number;
  change_percent: number;
}

interface QuoteBody {
  symbol: string;
  price: number;
  change: number;
  change_percent: number;
}

interface SimulateBody {
  symbol: string;
  new_price: number;
  change: number;
  change_percent: number;
}

interface OrderBody {
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

interface HoldingBody {
  id: number;
  symbol: string;
  quantity: number;
  average_buy_price: number;
  current_price: number;
  current_value: number;
  total_gain_loss: number;
  gain_loss_percent: number;
}

interface PortfolioBody {
  cash_balance: number;
  total_holdings_value: number;
  total_portfolio_value: number;
  total_gain_loss: number;
  holdings: HoldingBody[];
}

interface WatchlistBody {
  id: number;
  symbol: string;
  added_at: string;
  current_price: number | null;
  change: number;
  change_percent: number;
}

interface AlertBody {
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
// Constants
// ---------------------------------------------------------------------------

/** Python's naive UTC `datetime.isoformat()`: no timezone, optional microseconds. */
const ISO_NAIVE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?$/;

const USER_KEYS = ['balance', 'created_at', 'email', 'full_name', 'id', 'username'];
const STOCK_KEYS = [
  'change',
  'change_percent',
  'current_price',
  'day_high',
  'day_low',
  'id',
  'market_cap',
  'name',
  'previous_close',
  'sector',
  'symbol',
  'updated_at',
  'volume',
];
const ORDER_KEYS = [
  'created_at',
  'filled_price',
  'filled_quantity',
  'id',
  'limit_price',
  'order_type',
  'quantity',
  'side',
  'status',
  'symbol',
  'updated_at',
];
const HOLDING_KEYS = [
  'average_buy_price',
  'current_price',
  'current_value',
  'gain_loss_percent',
  'id',
  'quantity',
  'symbol',
  'total_gain_loss',
];
const WATCHLIST_KEYS = ['added_at', 'change', 'change_percent', 'current_price', 'id', 'symbol'];
const ALERT_KEYS = [
  'condition',
  'created_at',
  'current_price',
  'id',
  'is_active',
  'is_triggered',
  'symbol',
  'target_price',
  'triggered_at',
];

interface SeedStock {
  symbol: string;
  name: string;
  price: number;
  previousClose: number;
  marketCap: number;
  sector: string;
}

const SEEDED_STOCKS: readonly SeedStock[] = [
  { symbol: 'AAPL', name: 'Apple Inc.', price: 178.5, previousClose: 176.25, marketCap: 2800000000000, sector: 'Technology' },
  { symbol: 'GOOGL', name: 'Alphabet Inc.', price: 141.25, previousClose: 139.8, marketCap: 1750000000000, sector: 'Technology' },
  { symbol: 'MSFT', name: 'Microsoft Corporation', price: 378.9, previousClose: 375.0, marketCap: 2810000000000, sector: 'Technology' },
  { symbol: 'AMZN', name: 'Amazon.com Inc.', price: 178.75, previousClose: 180.0, marketCap: 1850000000000, sector: 'Consumer Cyclical' },
  { symbol: 'TSLA', name: 'Tesla Inc.', price: 248.5, previousClose: 252.0, marketCap: 790000000000, sector: 'Automotive' },
  { symbol: 'META', name: 'Meta Platforms Inc.', price: 505.25, previousClose: 500.0, marketCap: 1300000000000, sector: 'Technology' },
  { symbol: 'NVDA', name: 'NVIDIA Corporation', price: 875.3, previousClose: 860.0, marketCap: 2160000000000, sector: 'Technology' },
  {
    symbol: 'JPM',
    name: 'JPMorgan Chase & Co.',
    price: 198.45,
    previousClose: 196.0,
    marketCap: 570000000000,
    sector: 'Financial Services',
  },
  { symbol: 'V', name: 'Visa Inc.', price: 279.8, previousClose: 278.0, marketCap: 575000000000, sector: 'Financial Services' },
  { symbol: 'JNJ', name: 'Johnson & Johnson', price: 156.3, previousClose: 157.5, marketCap: 375000000000, sector: 'Healthcare' },
  { symbol: 'WMT', name: 'Walmart Inc.', price: 165.2, previousClose: 164.0, marketCap: 445000000000, sector: 'Consumer Defensive' },
  {
    symbol: 'PG',
    name: 'Procter & Gamble Co.',
    price: 158.75,
    previousClose: 159.0,
    marketCap: 375000000000,
    sector: 'Consumer Defensive',
  },
  {
    symbol: 'DIS',
    name: 'The Walt Disney Company',
    price: 112.4,
    previousClose: 110.0,
    marketCap: 205000000000,
    sector: 'Communication Services',
  },
  { symbol: 'NFLX', name: 'Netflix Inc.', price: 628.5, previousClose: 620.0, marketCap: 275000000000, sector: 'Communication Services' },
  { symbol: 'AMD', name: 'Advanced Micro Devices', price: 178.9, previousClose: 175.0, marketCap: 290000000000, sector: 'Technology' },
];

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

interface HttpResult<T> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

interface RequestOptions {
  token?: string | undefined;
  authorization?: string | undefined;
  json?: unknown;
  form?: Record<string, string> | undefined;
  rawBody?: string | undefined;
  contentType?: string | undefined;
}

async function http<T = unknown>(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = {};
  if (options.authorization !== undefined) headers['authorization'] = options.authorization;
  else if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.form !== undefined) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(options.form).toString();
  } else if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.rawBody !== undefined) {
    body = options.rawBody;
  }
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = body;
  const res = await fetch(`${baseUrl}${path}`, init);
  const text = await res.text();
  let parsed: unknown = null;
  if (text !== '') {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, headers: res.headers, text, body: parsed as T };
}

class Api {
  constructor(
    private readonly baseUrl: () => string,
    readonly token?: string | undefined,
  ) {}

  get<T = unknown>(path: string, options: RequestOptions = {}): Promise<HttpResult<T>> {
    return http<T>(this.baseUrl(), 'GET', path, { token: this.token, ...options });
  }

  post<T = unknown>(path: string, json?: unknown, options: RequestOptions = {}): Promise<HttpResult<T>> {
    return http<T>(this.baseUrl(), 'POST', path, { token: this.token, json, ...options });
  }

  postForm<T = unknown>(path: string, form: Record<string, string>): Promise<HttpResult<T>> {
    return http<T>(this.baseUrl(), 'POST', path, { token: this.token, form });
  }

  delete<T = unknown>(path: string, options: RequestOptions = {}): Promise<HttpResult<T>> {
    return http<T>(this.baseUrl(), 'DELETE', path, { token: this.token, ...options });
  }
}

interface Credentials {
  email: string;
  username: string;
  password: string;
  full_name?: string;
}

interface TestUser extends Credentials {
  id: number;
  token: string;
  api: Api;
}

function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;
}

function newCredentials(prefix = 'user'): Credentials {
  const suffix = uniqueSuffix();
  return {
    email: `${prefix}_${suffix}@example.com`,
    username: `${prefix}_${suffix}`,
    password: 'testpassword123',
    full_name: 'Contract Test User',
  };
}

function keysOf(value: unknown): string[] {
  assert.equal(typeof value, 'object');
  assert.notEqual(value, null);
  return Object.keys(value as object).sort();
}

function assertIsoTimestamp(value: unknown, what: string): void {
  assert.equal(typeof value, 'string', `${what} should be a string`);
  assert.match(value as string, ISO_NAIVE, `${what} should be a naive ISO timestamp, got ${String(value)}`);
}

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} +/- ${tolerance}, got ${actual}`);
}

/** Python's round(x, 2), close enough for assertions (tolerance applied by callers). */
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

function assertBearerChallenge(res: HttpResult<unknown>): void {
  assert.equal(res.headers.get('www-authenticate'), 'Bearer');
}

function assertNotAuthenticated(res: HttpResult<unknown>): void {
  assert.equal(res.status, 401);
  assert.deepEqual(res.body, { detail: 'Not authenticated' });
  assertBearerChallenge(res);
}

function assertBadCredentials(res: HttpResult<unknown>): void {
  assert.equal(res.status, 401);
  assert.deepEqual(res.body, { detail: 'Could not validate credentials' });
  assertBearerChallenge(res);
}

function assertValidationError(res: HttpResult<unknown>, loc?: (string | number)[]): ValidationIssue[] {
  assert.equal(res.status, 422, `expected 422, got ${res.status}: ${res.text}`);
  const body = res.body as ValidationBody;
  assert.ok(Array.isArray(body.detail), 'detail should be a list of issues');
  assert.ok(body.detail.length > 0);
  for (const issue of body.detail) {
    assert.equal(typeof issue.type, 'string');
    assert.ok(Array.isArray(issue.loc));
    assert.equal(typeof issue.msg, 'string');
  }
  if (loc) {
    assert.ok(
      body.detail.some((issue) => JSON.stringify(issue.loc) === JSON.stringify(loc)),
      `expected an issue at ${JSON.stringify(loc)}, got ${res.text}`,
    );
  }
  return body.detail;
}

function assertDetail(res: HttpResult<unknown>, status: number, detail: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${res.text}`);
  const body = res.body as ErrorBody;
  if (typeof detail === 'string') assert.deepEqual(body, { detail });
  else assert.match(body.detail, detail);
}

/** The only element of a one-element list (fails the test otherwise). */
function only<T>(items: readonly T[], what = 'list'): T {
  assert.equal(items.length, 1, `expected exactly one ${what} entry, got ${items.length}`);
  return items[0] as T;
}

/** The element at `index` (fails the test if missing). */
function at<T>(items: readonly T[], index: number): T {
  const item = items[index];
  assert.ok(item !== undefined, `missing element ${index}`);
  return item;
}

function base64url(input: string): string {
  return Buffer.from(input).toString('base64url');
}

function signJwt(payload: Record<string, unknown>, secret: string): string {
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(payload));
  const signature = createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url');
  return `${header}.${body}.${signature}`;
}

// ---------------------------------------------------------------------------
// The contract
// ---------------------------------------------------------------------------

export function priceAlertsContract(baseUrl: () => string): void {
  const anonymous = new Api(baseUrl);

  async function register(credentials: Credentials): Promise<HttpResult<UserBody>> {
    return anonymous.post<UserBody>('/auth/register', credentials);
  }

  async function login(username: string, password: string): Promise<HttpResult<TokenBody>> {
    return anonymous.postForm<TokenBody>('/auth/login', { username, password });
  }

  /** Registers + logs in a fresh user; optionally deposits extra cash. */
  async function newUser(options: { prefix?: string; deposit?: number } = {}): Promise<TestUser> {
    const credentials = newCredentials(options.prefix);
    const registered = await register(credentials);
    assert.equal(registered.status, 201, `register failed: ${registered.text}`);
    const loggedIn = await login(credentials.username, credentials.password);
    assert.equal(loggedIn.status, 200, `login failed: ${loggedIn.text}`);
    const api = new Api(baseUrl, loggedIn.body.access_token);
    if (options.deposit !== undefined) {
      const deposit = await api.post<MoneyBody>(`/auth/deposit?amount=${options.deposit}`);
      assert.equal(deposit.status, 200, `deposit failed: ${deposit.text}`);
    }
    return { ...credentials, id: registered.body.id, token: loggedIn.body.access_token, api };
  }

  async function priceOf(symbol: string): Promise<number> {
    const res = await anonymous.get<StockBody>(`/stocks/${symbol}`);
    assert.equal(res.status, 200);
    return res.body.current_price;
  }

  async function balanceOf(user: TestUser): Promise<number> {
    const res = await user.api.get<UserBody>('/auth/me');
    assert.equal(res.status, 200);
    return res.body.balance;
  }

  const market = (symbol: string, side: string, quantity: number) => ({ symbol, order_type: 'market', side, quantity });
  const limit = (symbol: string, side: string, quantity: number, limitPrice: number) => ({
    symbol,
    order_type: 'limit',
    side,
    quantity,
    limit_price: limitPrice,
  });

  describe('price-alerts contract', () => {
    // -----------------------------------------------------------------------
    describe('service', () => {
      it('GET /health reports healthy', async () => {
        const res = await anonymous.get('/health');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { status: 'healthy' });
      });

      it('GET / returns the welcome document', async () => {
        const res = await anonymous.get('/');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, {
          message: 'Welcome to Robinhood Clone API',
          version: '1.0.0',
          docs: '/docs',
          endpoints: {
            auth: '/auth',
            stocks: '/stocks',
            orders: '/orders',
            portfolio: '/portfolio',
            watchlist: '/watchlist',
            alerts: '/alerts',
          },
        });
      });

      it('unknown routes answer a JSON 404', async () => {
        const routes: [string, string][] = [
          ['GET', '/definitely/not/here'],
          ['POST', '/nope'],
          ['GET', '/alerts/1/extra'],
        ];
        for (const [method, path] of routes) {
          const res = await http(baseUrl(), method, path);
          assert.equal(res.status, 404, `${method} ${path}`);
          assert.deepEqual(res.body, { detail: 'Not Found' });
          assert.match(res.headers.get('content-type') ?? '', /application\/json/);
        }
      });

      it('malformed JSON bodies answer 422 json_invalid', async () => {
        const res = await http(baseUrl(), 'POST', '/auth/register', {
          rawBody: '{"email": "x@example.com",',
          contentType: 'application/json',
        });
        const issues = assertValidationError(res);
        assert.equal(at(issues, 0).type, 'json_invalid');
        assert.equal(at(at(issues, 0).loc, 0), 'body');
      });
    });

    // -----------------------------------------------------------------------
    describe('auth', () => {
      it('registers a user with a $10,000 starting balance', async () => {
        const credentials = newCredentials();
        const res = await register(credentials);
        assert.equal(res.status, 201);
        assert.deepEqual(keysOf(res.body), USER_KEYS);
        assert.equal(typeof res.body.id, 'number');
        assert.equal(res.body.email, credentials.email);
        assert.equal(res.body.username, credentials.username);
        assert.equal(res.body.full_name, credentials.full_name);
        assert.equal(res.body.balance, 10000);
        assertIsoTimestamp(res.body.created_at, 'created_at');
      });

      it('full_name is optional and defaults to null', async () => {
        const { full_name: _ignored, ...credentials } = newCredentials();
        const res = await register(credentials);
        assert.equal(res.status, 201);
        assert.equal(res.body.full_name, null);
      });

      it('rejects a duplicate email (checked before the username)', async () => {
        const user = await newUser();
        const sameEmail = await register({ ...newCredentials(), email: user.email });
        assertDetail(sameEmail, 400, 'Email already registered');
        const both = await register({ email: user.email, username: user.username, password: 'whatever123' });
        assertDetail(both, 400, 'Email already registered');
      });

      it('rejects a duplicate username', async () => {
        const user = await newUser();
        const res = await register({ ...newCredentials(), username: user.username });
        assertDetail(res, 400, 'Username already taken');
      });

      it('validates the registration body', async () => {
        const missing = await anonymous.post('/auth/register', { email: 'only@example.com' });
        assertValidationError(missing, ['body', 'username']);
        assertValidationError(missing, ['body', 'password']);

        const wrongType = await anonymous.post('/auth/register', { ...newCredentials(), username: 12345 });
        assertValidationError(wrongType, ['body', 'username']);

        const notAnObject = await anonymous.post('/auth/register', ['not', 'an', 'object']);
        assertValidationError(notAnObject);
      });

      it('logs in with a form and returns an HS256 bearer token for 30 minutes', async () => {
        const credentials = newCredentials();
        assert.equal((await register(credentials)).status, 201);
        const res = await login(credentials.username, credentials.password);
        assert.equal(res.status, 200);
        assert.deepEqual(keysOf(res.body), ['access_token', 'token_type']);
        assert.equal(res.body.token_type, 'bearer');

        const parts = res.body.access_token.split('.');
        assert.equal(parts.length, 3);
        const header = JSON.parse(Buffer.from(at(parts, 0), 'base64url').toString('utf8')) as { alg: string };
        const payload = JSON.parse(Buffer.from(at(parts, 1), 'base64url').toString('utf8')) as { sub: string; exp: number };
        assert.equal(header.alg, 'HS256');
        assert.equal(payload.sub, credentials.username);
        assertClose(payload.exp, Date.now() / 1000 + 30 * 60, 120, 'token exp');
      });

      it('rejects a wrong password with 401 and a Bearer challenge', async () => {
        const user = await newUser();
        const res = await login(user.username, 'wrongpassword');
        assertDetail(res, 401, 'Incorrect username or password');
        assertBearerChallenge(res);
      });

      it('rejects an unknown user with 401', async () => {
        const res = await login(`nobody_${uniqueSuffix()}`, 'password');
        assertDetail(res, 401, 'Incorrect username or password');
        assertBearerChallenge(res);
      });

      it('answers 422 for missing login form fields', async () => {
        const noPassword = await anonymous.postForm('/auth/login', { username: 'someone' });
        assertValidationError(noPassword, ['body', 'password']);

        const nothing = await anonymous.postForm('/auth/login', {});
        assertValidationError(nothing, ['body', 'username']);
        assertValidationError(nothing, ['body', 'password']);

        const emptyValues = await anonymous.postForm('/auth/login', { username: '', password: '' });
        assertValidationError(emptyValues, ['body', 'username']);
      });

      it('GET /auth/me returns the authenticated user', async () => {
        const user = await newUser();
        const res = await user.api.get<UserBody>('/auth/me');
        assert.equal(res.status, 200);
        assert.deepEqual(keysOf(res.body), USER_KEYS);
        assert.equal(res.body.id, user.id);
        assert.equal(res.body.username, user.username);
        assert.equal(res.body.email, user.email);
        assert.equal(res.body.balance, 10000);
      });

      it('GET /auth/me without credentials: 401 Not authenticated', async () => {
        assertNotAuthenticated(await anonymous.get('/auth/me'));
        assertNotAuthenticated(await anonymous.get('/auth/me', { authorization: 'Basic dXNlcjpwYXNz' }));
      });

      it('GET /auth/me with a bad token: 401 Could not validate credentials', async () => {
        assertBadCredentials(await anonymous.get('/auth/me', { token: 'not-a-jwt' }));

        const user = await newUser();
        const forged = signJwt({ sub: user.username, exp: Math.floor(Date.now() / 1000) + 600 }, 'not-the-server-secret');
        assertBadCredentials(await anonymous.get('/auth/me', { token: forged }));

        const parts = user.token.split('.');
        const tampered = `${at(parts, 0)}.${base64url(JSON.stringify({ sub: 'someone_else', exp: 9999999999 }))}.${at(parts, 2)}`;
        assertBadCredentials(await anonymous.get('/auth/me', { token: tampered }));
      });

      it('deposits funds', async () => {
        const user = await newUser();
        const res = await user.api.post<MoneyBody>('/auth/deposit?amount=500.00');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { message: 'Successfully deposited $500.00', new_balance: 10500 });
        assert.equal(await balanceOf(user), 10500);
      });

      it('rejects non-positive deposits', async () => {
        const user = await newUser();
        assertDetail(await user.api.post('/auth/deposit?amount=-100'), 400, 'Amount must be greater than 0');
        assertDetail(await user.api.post('/auth/deposit?amount=0'), 400, 'Amount must be greater than 0');
        assert.equal(await balanceOf(user), 10000);
      });

      it('validates the deposit amount query parameter', async () => {
        const user = await newUser();
        assertValidationError(await user.api.post('/auth/deposit'), ['query', 'amount']);
        assertValidationError(await user.api.post('/auth/deposit?amount=lots'), ['query', 'amount']);
      });

      it('deposit and withdraw require authentication', async () => {
        assertNotAuthenticated(await anonymous.post('/auth/deposit?amount=10'));
        assertNotAuthenticated(await anonymous.post('/auth/withdraw?amount=10'));
      });

      it('withdraws funds', async () => {
        const user = await newUser();
        const res = await user.api.post<MoneyBody>('/auth/withdraw?amount=500.00');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { message: 'Successfully withdrew $500.00', new_balance: 9500 });
        assert.equal(await balanceOf(user), 9500);
      });

      it('rejects withdrawing more than the balance', async () => {
        const user = await newUser();
        assertDetail(await user.api.post('/auth/withdraw?amount=999999.00'), 400, 'Insufficient funds. Available: $10000.00');
        assertDetail(await user.api.post('/auth/withdraw?amount=-5'), 400, 'Amount must be greater than 0');
        assert.equal(await balanceOf(user), 10000);
      });

      it('withdrawing the exact balance is allowed', async () => {
        const user = await newUser();
        const res = await user.api.post<MoneyBody>('/auth/withdraw?amount=10000');
        assert.equal(res.status, 200);
        assert.equal(res.body.new_balance, 0);
      });
    });

    // -----------------------------------------------------------------------
    describe('stocks', () => {
      it('lists every stock with its fields', async () => {
        const res = await anonymous.get<StockBody[]>('/stocks');
        assert.equal(res.status, 200);
        assert.ok(Array.isArray(res.body));
        assert.ok(res.body.length >= 15);
        for (const stock of res.body) {
          assert.deepEqual(keysOf(stock), STOCK_KEYS);
          assertIsoTimestamp(stock.updated_at, `${stock.symbol}.updated_at`);
        }
      });

      it('contains the 15 seeded stocks', async () => {
        const res = await anonymous.get<StockBody[]>('/stocks');
        const bySymbol = new Map(res.body.map((stock) => [stock.symbol, stock]));
        for (const seed of SEEDED_STOCKS) {
          const stock = bySymbol.get(seed.symbol);
          assert.ok(stock, `missing ${seed.symbol}`);
          assert.equal(stock.name, seed.name);
          assert.equal(stock.sector, seed.sector);
          assert.equal(stock.previous_close, seed.previousClose);
          assert.equal(stock.market_cap, seed.marketCap);
          assert.equal(typeof stock.id, 'number');
          assert.equal(typeof stock.volume, 'number');
          // Prices move through the simulate endpoints, but stay near the seed.
          assert.equal(typeof stock.current_price, 'number');
          assert.ok(
            stock.current_price > seed.price * 0.5 && stock.current_price < seed.price * 1.5,
            `${seed.symbol} price ${stock.current_price} drifted too far from ${seed.price}`,
          );
          assertClose(stock.change, round2(stock.current_price - seed.previousClose), 0.0100001, `${seed.symbol}.change`);
          assertClose(stock.change_percent, round2((stock.change / seed.previousClose) * 100), 0.0100001, `${seed.symbol}.change_percent`);
        }
      });

      it('gets a stock by symbol', async () => {
        const res = await anonymous.get<StockBody>('/stocks/AAPL');
        assert.equal(res.status, 200);
        assert.deepEqual(keysOf(res.body), STOCK_KEYS);
        assert.equal(res.body.symbol, 'AAPL');
        assert.equal(res.body.name, 'Apple Inc.');
        assert.ok(res.body.current_price > 0);
      });

      it('looks symbols up case-insensitively', async () => {
        const res = await anonymous.get<StockBody>('/stocks/aapl');
        assert.equal(res.status, 200);
        assert.equal(res.body.symbol, 'AAPL');
      });

      it('answers 404 with the upper-cased symbol for an unknown stock', async () => {
        assertDetail(await anonymous.get('/stocks/INVALID'), 404, 'Stock INVALID not found');
        assertDetail(await anonymous.get('/stocks/nope'), 404, 'Stock NOPE not found');
      });

      it('returns a quote', async () => {
        const res = await anonymous.get<QuoteBody>('/stocks/MSFT/quote');
        assert.equal(res.status, 200);
        assert.deepEqual(keysOf(res.body), ['change', 'change_percent', 'price', 'symbol']);
        assert.equal(res.body.symbol, 'MSFT');
        assert.equal(res.body.price, await priceOf('MSFT'));
        assertDetail(await anonymous.get('/stocks/INVALID/quote'), 404, 'Stock INVALID not found');
        assert.equal((await anonymous.get<QuoteBody>('/stocks/msft/quote')).body.symbol, 'MSFT');
      });

      it('searches by symbol', async () => {
        const res = await anonymous.get<SearchBody[]>('/stocks/search?q=AAPL');
        assert.equal(res.status, 200);
        assert.ok(res.body.some((stock) => stock.symbol === 'AAPL'));
        for (const stock of res.body) {
          assert.deepEqual(keysOf(stock), ['change', 'change_percent', 'current_price', 'name', 'symbol']);
        }
        const lower = await anonymous.get<SearchBody[]>('/stocks/search?q=aapl');
        assert.ok(lower.body.some((stock) => stock.symbol === 'AAPL'));
      });

      it('searches by company name, ignoring case', async () => {
        const res = await anonymous.get<SearchBody[]>('/stocks/search?q=Apple');
        assert.equal(res.status, 200);
        assert.ok(res.body.some((stock) => stock.name.includes('Apple')));

        const partial = await anonymous.get<SearchBody[]>('/stocks/search?q=micro');
        assert.equal(partial.status, 200);
        const symbols = partial.body.map((stock) => stock.symbol);
        assert.ok(symbols.includes('MSFT'));
        assert.ok(symbols.includes('AMD'));
      });

      it('returns an empty list when nothing matches', async () => {
        const res = await anonymous.get('/stocks/search?q=xyznotfound');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, []);
      });

      it('validates the search query', async () => {
        assertValidationError(await anonymous.get('/stocks/search'), ['query', 'q']);
        assertDetail(await anonymous.get('/stocks/search?q='), 400, 'Search query must be at least 1 character');
      });

      it('simulation requires authentication', async () => {
        assertNotAuthenticated(await anonymous.post('/stocks/AAPL/simulate'));
        assertNotAuthenticated(await anonymous.post('/stocks/simulate-all'));
      });

      it('simulates a price change within 2%', async () => {
        const user = await newUser();
        const before = await priceOf('DIS');
        const res = await user.api.post<SimulateBody>('/stocks/dis/simulate');
        assert.equal(res.status, 200);
        assert.deepEqual(keysOf(res.body), ['change', 'change_percent', 'new_price', 'symbol']);
        assert.equal(res.body.symbol, 'DIS');
        assert.ok(Math.abs(res.body.new_price - before) / before <= 0.02 + 1e-9);
        assertClose(res.body.new_price, round2(res.body.new_price), 1e-9, 'new_price has at most 2 decimals');

        const after = await anonymous.get<StockBody>('/stocks/DIS');
        assert.equal(after.body.current_price, res.body.new_price);
        assert.equal(after.body.change, res.body.change);
        assert.ok((after.body.day_high ?? Infinity) >= res.body.new_price);
        assert.ok((after.body.day_low ?? -Infinity) <= res.body.new_price);
      });

      it('simulating an unknown stock answers 404', async () => {
        const user = await newUser();
        assertDetail(await user.api.post('/stocks/NOPE/simulate'), 404, 'Stock NOPE not found');
      });

      it('simulates every stock', async () => {
        const user = await newUser();
        const count = (await anonymous.get<StockBody[]>('/stocks')).body.length;
        const res = await user.api.post('/stocks/simulate-all');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { message: `Simulated price changes for ${count} stocks` });
      });
    });

    // -----------------------------------------------------------------------
    describe('orders', () => {
      it('fills a market buy at the current price', async () => {
        const user = await newUser({ deposit: 90000 });
        const price = await priceOf('AAPL');
        const res = await user.api.post<OrderBody>('/orders', market('AAPL', 'buy', 5));
        assert.equal(res.status, 201);
        assert.deepEqual(keysOf(res.body), ORDER_KEYS);
        assert.equal(res.body.symbol, 'AAPL');
        assert.equal(res.body.order_type, 'market');
        assert.equal(res.body.side, 'buy');
        assert.equal(res.body.quantity, 5);
        assert.equal(res.body.limit_price, null);
        assert.equal(res.body.status, 'filled');
        assert.equal(res.body.filled_quantity, 5);
        assert.equal(res.body.filled_price, price);
        assertIsoTimestamp(res.body.created_at, 'created_at');
        assertIsoTimestamp(res.body.updated_at, 'updated_at');
        assertClose(await balanceOf(user), 100000 - price * 5, 1e-6, 'balance after buy');
      });

      it('normalises order_type, side and symbol case', async () => {
        const user = await newUser({ deposit: 90000 });
        const res = await user.api.post<OrderBody>('/orders', { symbol: 'aapl', order_type: 'MARKET', side: 'Buy', quantity: 1 });
        assert.equal(res.status, 201);
        assert.equal(res.body.symbol, 'AAPL');
        assert.equal(res.body.order_type, 'market');
        assert.equal(res.body.side, 'buy');
      });

      it('fills a limit buy above the market at the current (better) price', async () => {
        const user = await newUser({ deposit: 90000 });
        const price = await priceOf('AAPL');
        const res = await user.api.post<OrderBody>('/orders', limit('AAPL', 'buy', 3, price + 10));
        assert.equal(res.status, 201);
        assert.equal(res.body.status, 'filled');
        assert.equal(res.body.filled_price, price);
        assert.equal(res.body.limit_price, price + 10);
      });

      it('leaves a limit buy below the market pending', async () => {
        const user = await newUser({ deposit: 90000 });
        const res = await user.api.post<OrderBody>('/orders', limit('AAPL', 'buy', 2, 1.0));
        assert.equal(res.status, 201);
        assert.equal(res.body.status, 'pending');
        assert.equal(res.body.filled_quantity, 0);
        assert.equal(res.body.filled_price, null);
        assert.equal(res.body.limit_price, 1.0);
        assert.equal(await balanceOf(user), 100000);
      });

      it('handles limit sells: pending above the market, filled at or below it', async () => {
        const user = await newUser({ deposit: 90000 });
        assert.equal((await user.api.post('/orders', market('JPM', 'buy', 10))).status, 201);
        const price = await priceOf('JPM');

        const high = await user.api.post<OrderBody>('/orders', limit('JPM', 'sell', 2, price * 3));
        assert.equal(high.status, 201);
        assert.equal(high.body.status, 'pending');

        const low = await user.api.post<OrderBody>('/orders', limit('JPM', 'sell', 2, 1.0));
        assert.equal(low.status, 201);
        assert.equal(low.body.status, 'filled');
        assert.equal(low.body.filled_price, price);
      });

      it('requires a limit price for limit orders', async () => {
        const user = await newUser({ deposit: 90000 });
        const res = await user.api.post('/orders', { symbol: 'AAPL', order_type: 'limit', side: 'buy', quantity: 1 });
        assertDetail(res, 400, 'Limit price is required for limit orders');
      });

      it('sells shares after buying them, removing the holding at zero', async () => {
        const user = await newUser({ deposit: 90000 });
        assert.equal((await user.api.post('/orders', market('GOOGL', 'buy', 10))).status, 201);
        const balanceAfterBuy = await balanceOf(user);
        const price = await priceOf('GOOGL');

        const sell = await user.api.post<OrderBody>('/orders', market('GOOGL', 'sell', 5));
        assert.equal(sell.status, 201);
        assert.equal(sell.body.status, 'filled');
        assert.equal(sell.body.side, 'sell');
        assertClose(await balanceOf(user), balanceAfterBuy + price * 5, 1e-6, 'balance after sell');
        assert.equal((await user.api.get<HoldingBody>('/portfolio/holdings/GOOGL')).body.quantity, 5);

        assert.equal((await user.api.post('/orders', market('GOOGL', 'sell', 5))).status, 201);
        assertDetail(await user.api.get('/portfolio/holdings/GOOGL'), 404, 'No holding found for GOOGL');
      });

      it('rejects selling shares that are not owned and records the rejection', async () => {
        const user = await newUser({ deposit: 90000 });
        const res = await user.api.post('/orders', market('NVDA', 'sell', 1000));
        assertDetail(res, 400, /^Insufficient shares\. Required: 1000(\.0)?, Available: 0(\.0)?$/);

        const rejected = await user.api.get<OrderBody[]>('/orders?status=rejected');
        assert.equal(rejected.status, 200);
        const order = only(rejected.body, 'rejected order');
        assert.equal(order.symbol, 'NVDA');
        assert.equal(order.filled_quantity, 0);
      });

      it('rejects selling more shares than owned', async () => {
        const user = await newUser({ deposit: 90000 });
        assert.equal((await user.api.post('/orders', market('V', 'buy', 2))).status, 201);
        const res = await user.api.post('/orders', market('V', 'sell', 3));
        assertDetail(res, 400, /^Insufficient shares\. Required: 3(\.0)?, Available: 2(\.0)?$/);
      });

      it('rejects a buy without enough funds and records the rejection', async () => {
        const user = await newUser();
        const price = await priceOf('NVDA');
        const res = await user.api.post('/orders', market('NVDA', 'buy', 1000));
        assert.equal(res.status, 400);
        const detail = (res.body as ErrorBody).detail;
        const match = /^Insufficient funds\. Required: \$(\d+\.\d{2}), Available: \$(\d+\.\d{2})$/.exec(detail);
        assert.ok(match, `unexpected detail: ${detail}`);
        assertClose(Number(at(match, 1)), price * 1000, 0.006, 'required amount');
        assert.equal(at(match, 2), '10000.00');
        assert.equal(await balanceOf(user), 10000);

        const orders = await user.api.get<OrderBody[]>('/orders');
        assert.equal(only(orders.body, 'order').status, 'rejected');
      });

      it('answers 404 for an unknown stock', async () => {
        const user = await newUser({ deposit: 90000 });
        assertDetail(await user.api.post('/orders', market('INVALID', 'buy', 1)), 404, 'Stock INVALID not found');
      });

      it('validates the order body', async () => {
        const user = await newUser({ deposit: 90000 });
        assertValidationError(await user.api.post('/orders', { symbol: 'AAPL', order_type: 'invalid', side: 'buy', quantity: 1 }), [
          'body',
          'order_type',
        ]);
        assertValidationError(await user.api.post('/orders', { symbol: 'AAPL', order_type: 'market', side: 'invalid', quantity: 1 }), [
          'body',
          'side',
        ]);
        assertValidationError(await user.api.post('/orders', market('AAPL', 'buy', -5)), ['body', 'quantity']);
        assertValidationError(await user.api.post('/orders', market('AAPL', 'buy', 0)), ['body', 'quantity']);
        assertValidationError(await user.api.post('/orders', { order_type: 'market', side: 'buy', quantity: 1 }), ['body', 'symbol']);
        assertValidationError(await user.api.post('/orders', { ...market('AAPL', 'buy', 1), quantity: 'many' }), ['body', 'quantity']);
        assert.deepEqual((await user.api.get('/orders')).body, []);
      });

      it('order endpoints require authentication', async () => {
        assertNotAuthenticated(await anonymous.post('/orders', market('AAPL', 'buy', 1)));
        assertNotAuthenticated(await anonymous.get('/orders'));
        assertNotAuthenticated(await anonymous.get('/orders/1'));
        assertNotAuthenticated(await anonymous.delete('/orders/1'));
      });

      it('lists orders newest first and filters by status', async () => {
        const user = await newUser({ deposit: 90000 });
        const first = await user.api.post<OrderBody>('/orders', market('AAPL', 'buy', 1));
        const second = await user.api.post<OrderBody>('/orders', limit('AAPL', 'buy', 1, 1.0));
        const third = await user.api.post<OrderBody>('/orders', market('MSFT', 'buy', 1));

        const all = await user.api.get<OrderBody[]>('/orders');
        assert.equal(all.status, 200);
        assert.deepEqual(
          all.body.map((order) => order.id),
          [third.body.id, second.body.id, first.body.id],
        );
        for (const order of all.body) assert.deepEqual(keysOf(order), ORDER_KEYS);

        const pending = await user.api.get<OrderBody[]>('/orders?status=pending');
        assert.deepEqual(
          pending.body.map((order) => order.id),
          [second.body.id],
        );
        const filled = await user.api.get<OrderBody[]>('/orders?status=filled');
        assert.deepEqual(
          filled.body.map((order) => order.id),
          [third.body.id, first.body.id],
        );
      });

      it('gets an order by id, hiding other users orders', async () => {
        const user = await newUser({ deposit: 90000 });
        const created = await user.api.post<OrderBody>('/orders', market('MSFT', 'buy', 2));
        const res = await user.api.get<OrderBody>(`/orders/${created.body.id}`);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, created.body);

        const other = await newUser();
        assertDetail(await other.api.get(`/orders/${created.body.id}`), 404, 'Order not found');
        assertDetail(await user.api.get('/orders/99999999'), 404, 'Order not found');
        assertValidationError(await user.api.get('/orders/abc'), ['path', 'order_id']);
      });

      it('cancels a pending order', async () => {
        const user = await newUser({ deposit: 90000 });
        const created = await user.api.post<OrderBody>('/orders', limit('AAPL', 'buy', 1, 1.0));
        const res = await user.api.delete<OrderBody>(`/orders/${created.body.id}`);
        assert.equal(res.status, 200);
        assert.equal(res.body.id, created.body.id);
        assert.equal(res.body.status, 'cancelled');
        assert.equal((await user.api.get<OrderBody>(`/orders/${created.body.id}`)).body.status, 'cancelled');

        assertDetail(await user.api.delete(`/orders/${created.body.id}`), 400, 'Cannot cancel order with status: cancelled');
      });

      it('refuses to cancel a filled order', async () => {
        const user = await newUser({ deposit: 90000 });
        const created = await user.api.post<OrderBody>('/orders', market('AAPL', 'buy', 1));
        assertDetail(await user.api.delete(`/orders/${created.body.id}`), 400, 'Cannot cancel order with status: filled');
      });

      it('cancelling a missing or foreign order answers 404', async () => {
        const user = await newUser({ deposit: 90000 });
        assertDetail(await user.api.delete('/orders/99999999'), 404, 'Order not found');
        const created = await user.api.post<OrderBody>('/orders', limit('AAPL', 'buy', 1, 1.0));
        const other = await newUser();
        assertDetail(await other.api.delete(`/orders/${created.body.id}`), 404, 'Order not found');
        assert.equal((await user.api.get<OrderBody>(`/orders/${created.body.id}`)).body.status, 'pending');
      });
    });

    // -----------------------------------------------------------------------
    describe('portfolio', () => {
      it('is empty for a new user', async () => {
        const user = await newUser();
        const res = await user.api.get<PortfolioBody>('/portfolio');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, {
          cash_balance: 10000,
          total_holdings_value: 0,
          total_portfolio_value: 10000,
          total_gain_loss: 0,
          holdings: [],
        });
      });

      it('values holdings after buying', async () => {
        const user = await newUser({ deposit: 90000 });
        await user.api.post('/orders', market('AAPL', 'buy', 10));
        await user.api.post('/orders', market('MSFT', 'buy', 5));

        const res = await user.api.get<PortfolioBody>('/portfolio');
        assert.equal(res.status, 200);
        assert.deepEqual(keysOf(res.body), [
          'cash_balance',
          'holdings',
          'total_gain_loss',
          'total_holdings_value',
          'total_portfolio_value',
        ]);
        assert.equal(res.body.holdings.length, 2);
        assert.ok(res.body.total_holdings_value > 0);
        assertClose(
          res.body.total_portfolio_value,
          res.body.cash_balance + res.body.total_holdings_value,
          0.0100001,
          'total_portfolio_value',
        );
        for (const holding of res.body.holdings) {
          assert.deepEqual(keysOf(holding), HOLDING_KEYS);
          assertClose(holding.current_value, round2(holding.quantity * holding.current_price), 0.0100001, 'current_value');
        }
        const symbols = res.body.holdings.map((holding) => holding.symbol).sort();
        assert.deepEqual(symbols, ['AAPL', 'MSFT']);
      });

      it('tracks a weighted average buy price', async () => {
        const user = await newUser({ deposit: 90000 });
        const first = await user.api.post<OrderBody>('/orders', market('NFLX', 'buy', 1));
        assert.equal((await user.api.post('/stocks/NFLX/simulate')).status, 200);
        const second = await user.api.post<OrderBody>('/orders', market('NFLX', 'buy', 3));
        const p1 = first.body.filled_price ?? 0;
        const p2 = second.body.filled_price ?? 0;

        const holding = await user.api.get<HoldingBody>('/portfolio/holdings/NFLX');
        assert.equal(holding.status, 200);
        assert.equal(holding.body.quantity, 4);
        assertClose(holding.body.average_buy_price, round2((p1 + 3 * p2) / 4), 0.0100001, 'average_buy_price');
        assertClose(holding.body.total_gain_loss, round2(4 * holding.body.current_price - (p1 + 3 * p2)), 0.0200001, 'total_gain_loss');
      });

      it('lists holdings', async () => {
        const user = await newUser({ deposit: 90000 });
        assert.deepEqual((await user.api.get('/portfolio/holdings')).body, []);
        await user.api.post('/orders', market('GOOGL', 'buy', 8));
        const res = await user.api.get<HoldingBody[]>('/portfolio/holdings');
        assert.equal(res.status, 200);
        const holding = only(res.body, 'holding');
        assert.deepEqual(keysOf(holding), HOLDING_KEYS);
        assert.equal(holding.symbol, 'GOOGL');
        assert.equal(holding.quantity, 8);
      });

      it('gets one holding by symbol (case-insensitive) or 404', async () => {
        const user = await newUser({ deposit: 90000 });
        await user.api.post('/orders', market('TSLA', 'buy', 5));
        const res = await user.api.get<HoldingBody>('/portfolio/holdings/tsla');
        assert.equal(res.status, 200);
        assert.equal(res.body.symbol, 'TSLA');
        assert.equal(res.body.quantity, 5);
        assertDetail(await user.api.get('/portfolio/holdings/AAPL'), 404, 'No holding found for AAPL');
        assertDetail(await user.api.get('/portfolio/holdings/aapl'), 404, 'No holding found for AAPL');
      });

      it('reports the cash balance', async () => {
        const user = await newUser();
        const res = await user.api.get('/portfolio/balance');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, { balance: 10000, currency: 'USD' });

        await user.api.post('/orders', market('AAPL', 'buy', 10));
        const after = await user.api.get<{ balance: number }>('/portfolio/balance');
        assert.ok(after.body.balance < 10000);
      });

      it('portfolio endpoints require authentication', async () => {
        for (const path of ['/portfolio', '/portfolio/holdings', '/portfolio/holdings/AAPL', '/portfolio/balance']) {
          assertNotAuthenticated(await anonymous.get(path));
        }
      });
    });

    // -----------------------------------------------------------------------
    describe('watchlist', () => {
      it('is empty for a new user', async () => {
        const user = await newUser();
        const res = await user.api.get('/watchlist');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body, []);
      });

      it('adds a stock with price data', async () => {
        const user = await newUser();
        const res = await user.api.post<WatchlistBody>('/watchlist', { symbol: 'AAPL' });
        assert.equal(res.status, 201);
        assert.deepEqual(keysOf(res.body), WATCHLIST_KEYS);
        assert.equal(res.body.symbol, 'AAPL');
        assert.equal(typeof res.body.id, 'number');
        assert.equal(res.body.current_price, await priceOf('AAPL'));
        assertIsoTimestamp(res.body.added_at, 'added_at');
      });

      it('lists several stocks, newest first', async () => {
        const user = await newUser();
        for (const symbol of ['AAPL', 'GOOGL', 'MSFT']) {
          assert.equal((await user.api.post('/watchlist', { symbol })).status, 201);
        }
        const res = await user.api.get<WatchlistBody[]>('/watchlist');
        assert.equal(res.status, 200);
        assert.deepEqual(
          res.body.map((item) => item.symbol),
          ['MSFT', 'GOOGL', 'AAPL'],
        );
        for (const item of res.body) {
          assert.deepEqual(keysOf(item), WATCHLIST_KEYS);
          assert.ok((item.current_price ?? 0) > 0);
        }
      });

      it('rejects duplicates, case-insensitively', async () => {
        const user = await newUser();
        const added = await user.api.post<WatchlistBody>('/watchlist', { symbol: 'aapl' });
        assert.equal(added.status, 201);
        assert.equal(added.body.symbol, 'AAPL');
        assertDetail(await user.api.post('/watchlist', { symbol: 'AAPL' }), 400, 'AAPL is already in your watchlist');
        assertDetail(await user.api.post('/watchlist', { symbol: 'aapl' }), 400, 'AAPL is already in your watchlist');
      });

      it('answers 404 for an unknown stock', async () => {
        const user = await newUser();
        assertDetail(await user.api.post('/watchlist', { symbol: 'INVALID' }), 404, 'Stock INVALID not found');
        assertDetail(await user.api.post('/watchlist', { symbol: 'invalid' }), 404, 'Stock INVALID not found');
      });

      it('validates the body', async () => {
        const user = await newUser();
        assertValidationError(await user.api.post('/watchlist', {}), ['body', 'symbol']);
        assertValidationError(await user.api.post('/watchlist', { symbol: 42 }), ['body', 'symbol']);
      });

      it('removes a stock with 204', async () => {
        const user = await newUser();
        await user.api.post('/watchlist', { symbol: 'TSLA' });
        await user.api.post('/watchlist', { symbol: 'AAPL' });
        const res = await user.api.delete('/watchlist/tsla');
        assert.equal(res.status, 204);
        assert.equal(res.text, '');
        const list = await user.api.get<WatchlistBody[]>('/watchlist');
        assert.deepEqual(
          list.body.map((item) => item.symbol),
          ['AAPL'],
        );
      });

      it('removing a stock that is not listed answers 404', async () => {
        const user = await newUser();
        assertDetail(await user.api.delete('/watchlist/AAPL'), 404, 'AAPL is not in your watchlist');
        assertDetail(await user.api.delete('/watchlist/aapl'), 404, 'AAPL is not in your watchlist');
      });

      it('is private to each user', async () => {
        const owner = await newUser();
        const other = await newUser();
        await owner.api.post('/watchlist', { symbol: 'NVDA' });
        assert.deepEqual((await other.api.get('/watchlist')).body, []);
        assertDetail(await other.api.delete('/watchlist/NVDA'), 404, 'NVDA is not in your watchlist');
        assert.equal((await other.api.post('/watchlist', { symbol: 'NVDA' })).status, 201);
        assert.equal((await owner.api.get<WatchlistBody[]>('/watchlist')).body.length, 1);
      });

      it('watchlist endpoints require authentication', async () => {
        assertNotAuthenticated(await anonymous.get('/watchlist'));
        assertNotAuthenticated(await anonymous.post('/watchlist', { symbol: 'AAPL' }));
        assertNotAuthenticated(await anonymous.delete('/watchlist/AAPL'));
      });
    });

    // -----------------------------------------------------------------------
    describe('price alerts', () => {
      async function createAlert(user: TestUser, symbol: string, targetPrice: number, condition: string) {
        const res = await user.api.post<AlertBody>('/alerts', { symbol, target_price: targetPrice, condition });
        assert.equal(res.status, 201, `create alert failed: ${res.text}`);
        return res.body;
      }

      async function check(user: TestUser): Promise<AlertBody[]> {
        const res = await user.api.post<AlertBody[]>('/alerts/check');
        assert.equal(res.status, 200, `check failed: ${res.text}`);
        assert.ok(Array.isArray(res.body));
        return res.body;
      }

      describe('create', () => {
        it('creates an "above" alert', async () => {
          const user = await newUser();
          const price = await priceOf('AAPL');
          const res = await user.api.post<AlertBody>('/alerts', { symbol: 'AAPL', target_price: 200.0, condition: 'above' });
          assert.equal(res.status, 201);
          assert.deepEqual(keysOf(res.body), ALERT_KEYS);
          assert.equal(typeof res.body.id, 'number');
          assert.equal(res.body.symbol, 'AAPL');
          assert.equal(res.body.target_price, 200.0);
          assert.equal(res.body.condition, 'above');
          assert.equal(res.body.is_triggered, false);
          assert.equal(res.body.is_active, true);
          assert.equal(res.body.triggered_at, null);
          assert.equal(res.body.current_price, price);
          assertIsoTimestamp(res.body.created_at, 'created_at');
        });

        it('creates a "below" alert', async () => {
          const user = await newUser();
          const alert = await createAlert(user, 'TSLA', 200.0, 'below');
          assert.equal(alert.condition, 'below');
          assert.equal(alert.symbol, 'TSLA');
        });

        it('normalises the symbol to upper case and the condition to lower case', async () => {
          const user = await newUser();
          const alert = await createAlert(user, 'aapl', 150.5, 'ABOVE');
          assert.equal(alert.symbol, 'AAPL');
          assert.equal(alert.condition, 'above');
          assert.equal(alert.target_price, 150.5);
          const below = await createAlert(user, 'Msft', 10, 'Below');
          assert.equal(below.symbol, 'MSFT');
          assert.equal(below.condition, 'below');
        });

        it('answers 404 for an unknown symbol', async () => {
          const user = await newUser();
          const res = await user.api.post('/alerts', { symbol: 'INVALID', target_price: 100, condition: 'above' });
          assertDetail(res, 404, 'Stock INVALID not found');
          const lower = await user.api.post('/alerts', { symbol: 'invalid', target_price: 100, condition: 'above' });
          assertDetail(lower, 404, 'Stock INVALID not found');
          assert.deepEqual((await user.api.get('/alerts')).body, []);
        });

        it('requires authentication', async () => {
          const res = await anonymous.post('/alerts', { symbol: 'AAPL', target_price: 200, condition: 'above' });
          assertNotAuthenticated(res);
        });

        it('rejects an invalid condition with 422', async () => {
          const user = await newUser();
          for (const condition of ['sideways', '', 'equals']) {
            const res = await user.api.post('/alerts', { symbol: 'AAPL', target_price: 200, condition });
            assertValidationError(res, ['body', 'condition']);
          }
          assertValidationError(await user.api.post('/alerts', { symbol: 'AAPL', target_price: 200, condition: 1 }), ['body', 'condition']);
        });

        it('rejects a non-positive or non-numeric target price with 422', async () => {
          const user = await newUser();
          for (const target of [0, -1, -0.01]) {
            const res = await user.api.post('/alerts', { symbol: 'AAPL', target_price: target, condition: 'above' });
            assertValidationError(res, ['body', 'target_price']);
          }
          const text = await user.api.post('/alerts', { symbol: 'AAPL', target_price: 'cheap', condition: 'above' });
          assertValidationError(text, ['body', 'target_price']);
          assert.deepEqual((await user.api.get('/alerts')).body, []);
        });

        it('rejects missing fields with 422', async () => {
          const user = await newUser();
          const res = await user.api.post('/alerts', {});
          assertValidationError(res, ['body', 'symbol']);
          assertValidationError(res, ['body', 'target_price']);
          assertValidationError(res, ['body', 'condition']);
          assertValidationError(await user.api.post('/alerts', { symbol: 'AAPL', condition: 'above' }), ['body', 'target_price']);
        });
      });

      describe('read', () => {
        it('lists nothing for a new user', async () => {
          const user = await newUser();
          const res = await user.api.get('/alerts');
          assert.equal(res.status, 200);
          assert.deepEqual(res.body, []);
        });

        it('lists the user alerts, newest first, with current prices', async () => {
          const user = await newUser();
          const first = await createAlert(user, 'AAPL', 200.0, 'above');
          const second = await createAlert(user, 'GOOGL', 100.0, 'below');

          const res = await user.api.get<AlertBody[]>('/alerts');
          assert.equal(res.status, 200);
          assert.equal(res.body.length, 2);
          assert.deepEqual(
            res.body.map((alert) => alert.id),
            [second.id, first.id],
          );
          for (const alert of res.body) {
            assert.deepEqual(keysOf(alert), ALERT_KEYS);
            assert.equal(typeof alert.current_price, 'number');
            assert.ok((alert.current_price ?? 0) > 0);
          }
          assert.equal(at(res.body, 0).current_price, await priceOf('GOOGL'));
          assert.equal(at(res.body, 1).current_price, await priceOf('AAPL'));
        });

        it('gets an alert by id', async () => {
          const user = await newUser();
          const created = await createAlert(user, 'MSFT', 400.0, 'above');
          const res = await user.api.get<AlertBody>(`/alerts/${created.id}`);
          assert.equal(res.status, 200);
          assert.deepEqual(res.body, created);
          assert.equal(res.body.symbol, 'MSFT');
        });

        it('answers 404 Alert not found for a missing id', async () => {
          const user = await newUser();
          assertDetail(await user.api.get('/alerts/99999999'), 404, 'Alert not found');
        });

        it('answers 422 for a non-integer id', async () => {
          const user = await newUser();
          assertValidationError(await user.api.get('/alerts/abc'), ['path', 'alert_id']);
          assertValidationError(await user.api.delete('/alerts/abc'), ['path', 'alert_id']);
          assertValidationError(await user.api.get('/alerts/1.5'), ['path', 'alert_id']);
        });

        it('answers 422 for an invalid active_only value', async () => {
          const user = await newUser();
          assertValidationError(await user.api.get('/alerts?active_only=maybe'), ['query', 'active_only']);
        });
      });

      describe('delete', () => {
        it('deletes an alert (then it is gone)', async () => {
          const user = await newUser();
          const created = await createAlert(user, 'AAPL', 200.0, 'above');
          const res = await user.api.delete(`/alerts/${created.id}`);
          assert.equal(res.status, 204);
          assert.equal(res.text, '');
          assertDetail(await user.api.get(`/alerts/${created.id}`), 404, 'Alert not found');
          assertDetail(await user.api.delete(`/alerts/${created.id}`), 404, 'Alert not found');
          assert.deepEqual((await user.api.get('/alerts')).body, []);
        });

        it('answers 404 for a missing alert', async () => {
          const user = await newUser();
          assertDetail(await user.api.delete('/alerts/99999999'), 404, 'Alert not found');
        });
      });

      describe('trigger', () => {
        it('triggers an "above" alert when the price is above the target', async () => {
          const user = await newUser();
          const price = await priceOf('AAPL');
          const created = await createAlert(user, 'AAPL', price - 10, 'above');

          const alert = only(await check(user), 'triggered alert');
          assert.deepEqual(keysOf(alert), ALERT_KEYS);
          assert.equal(alert.id, created.id);
          assert.equal(alert.is_triggered, true);
          assert.equal(alert.is_active, true);
          assert.notEqual(alert.triggered_at, null);
          assertIsoTimestamp(alert.triggered_at, 'triggered_at');
          assert.ok((alert.triggered_at ?? '') >= alert.created_at, 'triggered_at must not precede created_at');
          assert.equal(alert.created_at, created.created_at);
          assert.equal(alert.current_price, price);
        });

        it('triggers a "below" alert when the price is below the target', async () => {
          const user = await newUser();
          const price = await priceOf('AAPL');
          await createAlert(user, 'AAPL', price + 10, 'below');

          const alert = only(await check(user), 'triggered alert');
          assert.equal(alert.is_triggered, true);
          assert.equal(alert.condition, 'below');
        });

        it('triggers both conditions when the price equals the target exactly', async () => {
          const user = await newUser();
          const price = await priceOf('AMD');
          const above = await createAlert(user, 'AMD', price, 'above');
          const below = await createAlert(user, 'AMD', price, 'below');

          const triggered = await check(user);
          assert.deepEqual(
            triggered.map((alert) => alert.id).sort((a, b) => a - b),
            [above.id, below.id].sort((a, b) => a - b),
          );
        });

        it('does not trigger when the condition is not met', async () => {
          const user = await newUser();
          const price = await priceOf('AAPL');
          const above = await createAlert(user, 'AAPL', price + 1000, 'above');
          const below = await createAlert(user, 'AAPL', Math.max(0.01, round2(price / 10)), 'below');

          assert.deepEqual(await check(user), []);
          for (const id of [above.id, below.id]) {
            const res = await user.api.get<AlertBody>(`/alerts/${id}`);
            assert.equal(res.body.is_triggered, false);
            assert.equal(res.body.triggered_at, null);
          }
        });

        it('returns an empty list when the user has no alerts', async () => {
          const user = await newUser();
          assert.deepEqual(await check(user), []);
        });

        it('triggers an alert only once', async () => {
          const user = await newUser();
          const price = await priceOf('AAPL');
          await createAlert(user, 'AAPL', price - 10, 'above');

          assert.equal((await check(user)).length, 1);
          assert.deepEqual(await check(user), []);
          assert.deepEqual(await check(user), []);
        });

        it('returns only the alerts triggered by this call', async () => {
          const user = await newUser();
          const price = await priceOf('AAPL');
          const first = await createAlert(user, 'AAPL', price - 10, 'above');
          assert.deepEqual(
            (await check(user)).map((alert) => alert.id),
            [first.id],
          );
          const second = await createAlert(user, 'AAPL', price + 10, 'below');
          assert.deepEqual(
            (await check(user)).map((alert) => alert.id),
            [second.id],
          );
        });

        it('persists the trigger (GET shows is_triggered and the same triggered_at)', async () => {
          const user = await newUser();
          const price = await priceOf('AAPL');
          const created = await createAlert(user, 'AAPL', price - 10, 'above');
          const triggered = only(await check(user), 'triggered alert');

          const res = await user.api.get<AlertBody>(`/alerts/${created.id}`);
          assert.equal(res.status, 200);
          assert.equal(res.body.is_triggered, true);
          assert.equal(res.body.is_active, true);
          assert.equal(res.body.triggered_at, triggered.triggered_at);
        });

        it('active_only=true excludes triggered alerts', async () => {
          const user = await newUser();
          const price = await priceOf('AAPL');
          const fires = await createAlert(user, 'AAPL', price - 10, 'above');
          const waits = await createAlert(user, 'AAPL', price + 1000, 'above');
          assert.deepEqual(
            (await check(user)).map((alert) => alert.id),
            [fires.id],
          );

          for (const value of ['true', 'True', '1', 'yes', 'on']) {
            const res = await user.api.get<AlertBody[]>(`/alerts?active_only=${value}`);
            assert.equal(res.status, 200, `active_only=${value}`);
            assert.deepEqual(
              res.body.map((alert) => alert.id),
              [waits.id],
              `active_only=${value}`,
            );
          }
          for (const path of ['/alerts', '/alerts?active_only=false', '/alerts?active_only=0', '/alerts?active_only=no']) {
            const res = await user.api.get<AlertBody[]>(path);
            assert.equal(res.status, 200, path);
            assert.deepEqual(
              res.body.map((alert) => alert.id),
              [waits.id, fires.id],
              path,
            );
          }
        });

        it('concurrent checks trigger each alert exactly once', async () => {
          const user = await newUser();
          const price = await priceOf('AAPL');
          const created: number[] = [];
          for (let i = 0; i < 10; i++) created.push((await createAlert(user, 'AAPL', price - 10 - i, 'above')).id);

          const results = await Promise.all(Array.from({ length: 5 }, () => check(user)));
          const reported = results.flatMap((alerts) => alerts.map((alert) => alert.id));
          assert.equal(reported.length, created.length, `reported ${reported.length} triggers for ${created.length} alerts`);
          assert.deepEqual(
            [...reported].sort((a, b) => a - b),
            [...created].sort((a, b) => a - b),
          );
        });
      });

      describe('ownership', () => {
        it("another user's alert is invisible (GET/DELETE 404, not listed)", async () => {
          const owner = await newUser();
          const other = await newUser();
          const created = await createAlert(owner, 'AAPL', 200.0, 'above');

          assertDetail(await other.api.get(`/alerts/${created.id}`), 404, 'Alert not found');
          assertDetail(await other.api.delete(`/alerts/${created.id}`), 404, 'Alert not found');
          assert.deepEqual((await other.api.get('/alerts')).body, []);
          assert.equal((await owner.api.get(`/alerts/${created.id}`)).status, 200);
        });

        it("checking only triggers the caller's own alerts", async () => {
          const owner = await newUser();
          const other = await newUser();
          const price = await priceOf('AAPL');
          const created = await createAlert(owner, 'AAPL', price - 10, 'above');

          assert.deepEqual(await check(other), []);
          assert.equal((await owner.api.get<AlertBody>(`/alerts/${created.id}`)).body.is_triggered, false);
          assert.deepEqual(
            (await check(owner)).map((alert) => alert.id),
            [created.id],
          );
        });
      });

      it('every alert endpoint requires authentication', async () => {
        assertNotAuthenticated(await anonymous.post('/alerts', { symbol: 'AAPL', target_price: 1, condition: 'above' }));
        assertNotAuthenticated(await anonymous.get('/alerts'));
        assertNotAuthenticated(await anonymous.get('/alerts?active_only=true'));
        assertNotAuthenticated(await anonymous.get('/alerts/1'));
        assertNotAuthenticated(await anonymous.delete('/alerts/1'));
        assertNotAuthenticated(await anonymous.post('/alerts/check'));
        assertBadCredentials(await anonymous.post('/alerts/check', undefined, { token: 'garbage' }));
      });
    });
  });
}
