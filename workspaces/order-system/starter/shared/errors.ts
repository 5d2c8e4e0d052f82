import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from './logger';

/**
 * An error that maps directly to an HTTP response: `{"detail": "..."}` with the
 * given status (and optional extra headers). Throw it from services or routes;
 * the error middleware below turns it into the response.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly detail: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, detail: string, headers: Record<string, string> = {}) {
    super(detail);
    this.name = 'HttpError';
    this.status = status;
    this.detail = detail;
    this.headers = headers;
  }
}

/** One entry of a FastAPI-style 422 response. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/**
 * Request validation failed. Rendered as
 * `422 {"detail": [{"type", "loc", "msg", "input"}, ...]}`.
 */
export class RequestValidationError extends Error {
  readonly issues: ValidationIssue[];

  constructor(issues: ValidationIssue[]) {
    super(issues.map((issue) => `${issue.loc.join('.')}: ${issue.msg}`).join('; '));
    this.name = 'RequestValidationError';
    this.issues = issues;
  }
}

/** Catch-all for unknown routes. */
export const notFoundHandler: RequestHandler = (_req, res) => {
  res.status(404).json({ detail: 'Not Found' });
};

interface BodyParserError {
  type: string;
  status: number;
  message: string;
}

function isBodyParserError(err: unknown): err is BodyParserError {
  if (typeof err !== 'object' || err === null) return false;
  const candidate = err as Partial<BodyParserError>;
  return typeof candidate.type === 'string' && typeof candidate.status === 'number';
}

/**
 * Final error middleware: HttpError -> its status, validation errors -> 422,
 * malformed JSON -> 422 `json_invalid`, anything else -> logged with its stack
 * and answered with 500 `{"detail":"Internal Server Error"}`.
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }

    if (err instanceof HttpError) {
      res.set(err.headers).status(err.status).json({ detail: err.detail });
      return;
    }

    if (err instanceof RequestValidationError) {
      res.status(422).json({ detail: err.issues });
      return;
    }

    if (isBodyParserError(err) && err.type === 'entity.parse.failed') {
      const position = /position (\d+)/.exec(err.message);
      const issue: ValidationIssue = {
        type: 'json_invalid',
        loc: ['body', position ? Number(position[1]) : 0],
        msg: 'JSON decode error',
        input: {},
        ctx: { error: err.message },
      };
      res.status(422).json({ detail: [issue] });
      return;
    }

    if (isBodyParserError(err) && err.status >= 400 && err.status < 500) {
      res.status(err.status).json({ detail: err.message });
      return;
    }

    const error = err instanceof Error ? err : new Error(String(err));
    const stack = (error.stack ?? String(error)).split('\n').slice(1).join('\n');
    logger.error(`Unhandled error on ${req.method} ${req.originalUrl}: ${error.name}: ${error.message}${stack ? `\n${stack}` : ''}`);
    res.status(500).json({ detail: 'Internal Server Error' });
  };
}
