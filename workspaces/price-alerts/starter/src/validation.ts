/**
 * Tiny typed request validators that produce FastAPI/pydantic-style 422 errors:
 *
 *   {"detail": [{"type": "missing", "loc": ["body", "symbol"], "msg": "Field required", "input": {...}}]}
 *
 * Body schemas are declared as an object of fields:
 *
 *   const input = parseBody(req.body, {
 *     symbol: string(),
 *     quantity: validated(float(), (v) => { if (v <= 0) throw new ValueError('quantity must be greater than 0'); return v; }),
 *     limit_price: optional(float()),
 *   });
 *   // input: { symbol: string; quantity: number; limit_price: number | null }
 *
 * Query and path helpers (`queryBool`, `queryFloat`, `queryString`, `pathInt`, ...)
 * throw a RequestValidationError for a single bad parameter.
 */
import { RequestValidationError, type ValidationIssue } from './errors';

export type Loc = (string | number)[];

export type FieldResult<T> = { ok: true; value: T } | { ok: false; issue: ValidationIssue };

export interface Field<T> {
  /** Optional fields accept a missing key or null and yield null. */
  readonly optional: boolean;
  parse(input: unknown, loc: Loc): FieldResult<T>;
}

export type Shape = Record<string, Field<unknown>>;
export type Infer<S extends Shape> = { [K in keyof S]: S[K] extends Field<infer T> ? T : never };

/** Throw from a `validated()` check to reject a value (pydantic's ValueError). */
export class ValueError extends Error {}

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const fail = <T>(type: string, loc: Loc, msg: string, input: unknown): FieldResult<T> => ({
  ok: false,
  issue: { type, loc, msg, input },
});

/** A JSON string (numbers are not coerced). */
export function string(): Field<string> {
  return {
    optional: false,
    parse: (input, loc) => (typeof input === 'string' ? ok(input) : fail('string_type', loc, 'Input should be a valid string', input)),
  };
}

/** A finite number; numeric strings such as "12.5" are accepted too. */
export function float(): Field<number> {
  return {
    optional: false,
    parse: (input, loc) => {
      if (typeof input === 'number' && Number.isFinite(input)) return ok(input);
      if (typeof input === 'string') {
        const parsed = parseFiniteNumber(input);
        return parsed === null
          ? fail('float_parsing', loc, 'Input should be a valid number, unable to parse string as a number', input)
          : ok(parsed);
      }
      return fail('float_type', loc, 'Input should be a valid number', input);
    },
  };
}

/** Makes a field optional: a missing key or null becomes null. */
export function optional<T>(field: Field<T>): Field<T | null> {
  return {
    optional: true,
    parse: (input, loc) => (input === null || input === undefined ? ok(null) : field.parse(input, loc)),
  };
}

/**
 * Runs an extra check/transform after the base field parsed successfully
 * (pydantic's `@field_validator`). Throw `ValueError` to reject the value.
 */
export function validated<T, U>(field: Field<T>, check: (value: T) => U): Field<U> {
  return {
    optional: field.optional,
    parse: (input, loc) => {
      const base = field.parse(input, loc);
      if (!base.ok) return base;
      try {
        return ok(check(base.value));
      } catch (err) {
        if (!(err instanceof ValueError)) throw err;
        return {
          ok: false,
          issue: { type: 'value_error', loc, msg: `Value error, ${err.message}`, input, ctx: { error: {} } },
        };
      }
    },
  };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a JSON request body against a shape; throws RequestValidationError (422). */
export function parseBody<S extends Shape>(body: unknown, shape: S): Infer<S> {
  if (body === undefined) {
    throw new RequestValidationError([{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }]);
  }
  if (!isPlainObject(body)) {
    throw new RequestValidationError([
      {
        type: 'model_attributes_type',
        loc: ['body'],
        msg: 'Input should be a valid dictionary or object to extract fields from',
        input: body,
      },
    ]);
  }
  return parseFields(body, shape, body);
}

/**
 * Validates an `application/x-www-form-urlencoded` body (as parsed by
 * `express.urlencoded`). Like FastAPI forms, empty strings count as missing.
 */
export function parseForm<S extends Shape>(body: unknown, shape: S): Infer<S> {
  const fields: Record<string, unknown> = {};
  if (isPlainObject(body)) {
    for (const [key, raw] of Object.entries(body)) {
      const value: unknown = Array.isArray(raw) ? raw[raw.length - 1] : raw;
      if (value !== '') fields[key] = value;
    }
  }
  return parseFields(fields, shape, null);
}

function parseFields<S extends Shape>(source: Record<string, unknown>, shape: S, missingInput: unknown): Infer<S> {
  const issues: ValidationIssue[] = [];
  const output: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const raw = Object.prototype.hasOwnProperty.call(source, key) ? source[key] : undefined;
    if (raw === undefined && !field.optional) {
      issues.push({ type: 'missing', loc: ['body', key], msg: 'Field required', input: missingInput });
      continue;
    }
    const result = field.parse(raw, ['body', key]);
    if (result.ok) output[key] = result.value;
    else issues.push(result.issue);
  }
  if (issues.length > 0) throw new RequestValidationError(issues);
  return output as Infer<S>;
}

// ---------------------------------------------------------------------------
// Query string and path parameters
// ---------------------------------------------------------------------------

/** The raw value of a query parameter (the last one if repeated). */
export function queryValue(query: unknown, name: string): string | undefined {
  if (!isPlainObject(query)) return undefined;
  const raw = query[name];
  const value: unknown = Array.isArray(raw) ? raw[raw.length - 1] : raw;
  return typeof value === 'string' ? value : undefined;
}

function missingQuery(name: string): RequestValidationError {
  return new RequestValidationError([{ type: 'missing', loc: ['query', name], msg: 'Field required', input: null }]);
}

/** A required string query parameter (may be empty). */
export function queryString(query: unknown, name: string): string {
  const value = queryValue(query, name);
  if (value === undefined) throw missingQuery(name);
  return value;
}

/** An optional string query parameter. */
export function optionalQueryString(query: unknown, name: string): string | null {
  return queryValue(query, name) ?? null;
}

/** A required numeric query parameter, e.g. `?amount=500.00`. */
export function queryFloat(query: unknown, name: string): number {
  const value = queryValue(query, name);
  if (value === undefined) throw missingQuery(name);
  const parsed = parseFiniteNumber(value);
  if (parsed === null) {
    throw new RequestValidationError([
      {
        type: 'float_parsing',
        loc: ['query', name],
        msg: 'Input should be a valid number, unable to parse string as a number',
        input: value,
      },
    ]);
  }
  return parsed;
}

const TRUE_VALUES = new Set(['1', 'true', 't', 'yes', 'y', 'on']);
const FALSE_VALUES = new Set(['0', 'false', 'f', 'no', 'n', 'off']);

/** A boolean query parameter: true/false, 1/0, yes/no, on/off (case-insensitive). */
export function queryBool(query: unknown, name: string, defaultValue: boolean): boolean {
  const value = queryValue(query, name);
  if (value === undefined) return defaultValue;
  const normalised = value.trim().toLowerCase();
  if (TRUE_VALUES.has(normalised)) return true;
  if (FALSE_VALUES.has(normalised)) return false;
  throw new RequestValidationError([
    {
      type: 'bool_parsing',
      loc: ['query', name],
      msg: 'Input should be a valid boolean, unable to interpret input',
      input: value,
    },
  ]);
}

/** An integer path parameter, e.g. `/alerts/:alert_id`. */
export function pathInt(value: string | undefined, name: string): number {
  const text = (value ?? '').trim();
  if (/^[+-]?\d+$/.test(text)) return Number(text);
  throw new RequestValidationError([
    {
      type: 'int_parsing',
      loc: ['path', name],
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: value ?? '',
    },
  ]);
}

function parseFiniteNumber(text: string): number | null {
  const trimmed = text.trim();
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return null;
  const parsed = Number(trimmed);
  return Number.isFinite(parsed) ? parsed : null;
}
