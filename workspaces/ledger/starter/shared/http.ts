/** Express plumbing every service shares: JSON bodies, `HttpError`, JSON errors (never a stack trace). */
import express, { type ErrorRequestHandler, type Express } from 'express';

/** An error with the HTTP status it should answer with. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** An Express app that parses JSON bodies (a malformed body is a 400). */
export function jsonApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  return app;
}

/** The last handlers: a JSON 404 for unknown routes, and every error as `{error}` with its status. */
export function finish(app: Express, log: (line: string) => void = (line) => console.error(line)): void {
  app.use((req, res) => {
    res.status(404).json({ error: `No route ${req.method} ${req.path}` });
  });
  const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
    if (err instanceof HttpError) {
      res.status(err.status).json({ error: err.message });
      return;
    }
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') {
      res.status(400).json({ error: 'Malformed JSON body' });
      return;
    }
    if (e.type === 'entity.too.large') {
      res.status(413).json({ error: 'Request body too large' });
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json({ error: e.message ?? 'Bad request' });
      return;
    }
    log(`ERROR ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    res.status(500).json({ error: 'Internal error' });
  };
  app.use(onError);
}

/** A required, non-empty string field of a JSON body. */
export function requireString(body: Record<string, unknown>, field: string, max = 200): string {
  const value = body[field];
  if (typeof value !== 'string' || value.trim() === '') throw new HttpError(400, `${field} is required (a non-empty string)`);
  if (value.length > max) throw new HttpError(400, `${field} is too long (at most ${max} characters)`);
  return value.trim();
}

/** An optional string field. */
export function optionalString(body: Record<string, unknown>, field: string, max = 500): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, `${field} must be a string`);
  if (value.length > max) throw new HttpError(400, `${field} is too long (at most ${max} characters)`);
  return value;
}

/** The JSON body as an object (an array or a scalar is a 400). */
export function bodyOf(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'The body must be a JSON object');
  return body as Record<string, unknown>;
}
