import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TEST_USER, useTestApp, type ErrorJson, type TokenJson, type UserJson } from './helpers';

describe('auth', () => {
  const app = useTestApp();

  describe('registration', () => {
    it('registers a new user with the initial balance', async () => {
      const res = await app.client().post<UserJson>('/auth/register', {
        email: 'newuser@example.com',
        username: 'newuser',
        password: 'securepassword123',
        full_name: 'New User',
      });
      assert.equal(res.status, 201);
      assert.equal(res.body.email, 'newuser@example.com');
      assert.equal(res.body.username, 'newuser');
      assert.equal(res.body.balance, 10000);
      assert.ok('id' in res.body);
    });

    it('rejects a duplicate email', async () => {
      await app.authenticatedClient();
      const res = await app.client().post<ErrorJson>('/auth/register', {
        email: TEST_USER.email,
        username: 'differentuser',
        password: 'password123',
        full_name: 'Another User',
      });
      assert.equal(res.status, 400);
      assert.match(res.body.detail, /already registered/);
    });

    it('rejects a duplicate username', async () => {
      await app.authenticatedClient();
      const res = await app.client().post<ErrorJson>('/auth/register', {
        email: 'different@example.com',
        username: TEST_USER.username,
        password: 'password123',
        full_name: 'Another User',
      });
      assert.equal(res.status, 400);
      assert.match(res.body.detail, /already taken/);
    });
  });

  describe('login', () => {
    it('returns a bearer token', async () => {
      await app.authenticatedClient();
      const res = await app.client().postForm<TokenJson>('/auth/login', {
        username: TEST_USER.username,
        password: TEST_USER.password,
      });
      assert.equal(res.status, 200);
      assert.ok(res.body.access_token);
      assert.equal(res.body.token_type, 'bearer');
    });

    it('rejects a wrong password', async () => {
      await app.authenticatedClient();
      const res = await app.client().postForm('/auth/login', { username: TEST_USER.username, password: 'wrongpassword' });
      assert.equal(res.status, 401);
    });

    it('rejects an unknown user', async () => {
      const res = await app.client().postForm('/auth/login', { username: 'nobody', password: 'password' });
      assert.equal(res.status, 401);
    });
  });

  describe('current user', () => {
    it('returns the authenticated user', async () => {
      const api = await app.authenticatedClient();
      const res = await api.get<UserJson>('/auth/me');
      assert.equal(res.status, 200);
      assert.equal(res.body.username, TEST_USER.username);
      assert.equal(res.body.email, TEST_USER.email);
    });

    it('requires authentication', async () => {
      const res = await app.client().get('/auth/me');
      assert.equal(res.status, 401);
    });
  });

  describe('account operations', () => {
    it('deposits funds', async () => {
      const api = await app.authenticatedClient();
      const initial = (await api.get<UserJson>('/auth/me')).body.balance;
      const res = await api.post<{ new_balance: number }>('/auth/deposit?amount=500.00');
      assert.equal(res.status, 200);
      assert.equal(res.body.new_balance, initial + 500);
    });

    it('rejects a non-positive deposit', async () => {
      const api = await app.authenticatedClient();
      const res = await api.post('/auth/deposit?amount=-100');
      assert.equal(res.status, 400);
    });

    it('withdraws funds', async () => {
      const api = await app.authenticatedClient();
      const initial = (await api.get<UserJson>('/auth/me')).body.balance;
      const res = await api.post<{ new_balance: number }>('/auth/withdraw?amount=500.00');
      assert.equal(res.status, 200);
      assert.equal(res.body.new_balance, initial - 500);
    });

    it('rejects withdrawing more than the balance', async () => {
      const api = await app.authenticatedClient();
      const res = await api.post<ErrorJson>('/auth/withdraw?amount=999999.00');
      assert.equal(res.status, 400);
      assert.match(res.body.detail, /Insufficient funds/);
    });
  });
});
