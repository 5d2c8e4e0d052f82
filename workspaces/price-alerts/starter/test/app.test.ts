import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useTestApp, type ErrorJson, type ValidationErrorJson } from './helpers';

describe('app', () => {
  const app = useTestApp();

  it('reports health', async () => {
    const res = await app.client().get('/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { status: 'healthy' });
  });

  it('describes the API at the root', async () => {
    const res = await app.client().get<{ message: string; endpoints: Record<string, string> }>('/');
    assert.equal(res.status, 200);
    assert.equal(res.body.endpoints.alerts, '/alerts');
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await app.client().get<ErrorJson>('/no/such/route');
    assert.equal(res.status, 404);
    assert.deepEqual(res.body, { detail: 'Not Found' });
  });

  it('answers malformed JSON with a 422', async () => {
    const res = await app.client().request<ValidationErrorJson>('POST', '/auth/register', {
      raw: { contentType: 'application/json', text: '{"email": ' },
    });
    assert.equal(res.status, 422);
    assert.equal(res.body.detail[0].type, 'json_invalid');
  });

  it('answers missing fields with a FastAPI-style 422', async () => {
    const res = await app.client().post<ValidationErrorJson>('/auth/register', { email: 'x@example.com' });
    assert.equal(res.status, 422);
    assert.deepEqual(
      res.body.detail.map((issue) => issue.loc),
      [
        ['body', 'username'],
        ['body', 'password'],
      ],
    );
  });
});
