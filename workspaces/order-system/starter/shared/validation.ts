/**
 * Tiny typed request validators that produce FastAPI/pydantic-style 422 errors:
 *
 *   {"detail": [{"type": "missing", "loc": ["body", "quantity"], "msg": "Field required", "input": {...}}]}
 *
 * Body schemas are declared as an object of fields:
 *
 *   const input = parseBody(req.body, {
 *     product_id: integer({ gt: 0 }),
 *     quantity: integer({ gt: 0 }),
 *     note: optional(string()),
 *   });
 *   // input: { product_id: number; quantity: number; note: string | null }
 *
 * `pathInt` validates an integer path parameter the same way.
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

/** Bounds for numbers: `gt` (exclusive) and `ge` (inclusive) minimums. */
export interface Bounds {
  gt?: number;
  ge?: number;
}

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const fail = <T>(type: string, loc: Loc, msg: string, input: unknown, ctx?: Record<string, unknown>): FieldResult<T> => ({
  ok: false,
  issue: ctx ? { type, loc, msg, input, ctx } : { type, loc, msg, input },
});

function checkBounds(value: number, bounds: Bounds, loc: Loc, input: unknown): FieldResult<number> {
  if (bounds.gt !== undefined && !(value > bounds.gt)) {
    return fail('greater_than', loc, `Input should be greater than ${bounds.gt}`, input, { gt: bounds.gt });
  }
  if (bounds.ge !== undefined && !(value >= bounds.ge)) {
    return fail('greater_than_equal', loc, `Input should be greater than or equal to ${bounds.ge}`, input, { ge: bounds.ge });
  }
  return ok(value);
}

/** A JSON string (numbers are not coerced). `minLength` counts characters after trimming. */
export function string(options: { minLength?: number; maxLength?: number } = {}): Field<string> {
  return {
    optional: false,
    parse: (input, loc) => {
      if (typeof input !== 'string') return fail('string_type', loc, 'Input should be a valid string', input);
      const length = input.trim().length;
      if (options.minLength !== undefined && length < options.minLength) {
        const unit = options.minLength === 1 ? 'character' : 'characters';
        return fail('string_too_short', loc, `String should have at least ${options.minLength} ${unit}`, input, {
          min_length: options.minLength,
        });
      }
      if (options.maxLength !== undefined && input.length > options.maxLength) {
        return fail('string_too_long', loc, `String should have at most ${options.maxLength} characters`, input, {
          max_length: options.maxLength,
        });
      }
      return ok(input);
    },
  };
}

/** A finite number; numeric strings such as "12.5" are accepted too. */
export function float(bounds: Bounds = {}): Field<number> {
  return {
    optional: false,
    parse: (input, loc) => {
      let value: number | null = null;
      if (typeof input === 'number' && Number.isFinite(input)) value = input;
      else if (typeof input === 'string') {
        value = parseFiniteNumber(input);
        if (value === null) return fail('float_parsing', loc, 'Input should be a valid number, unable to parse string as a number', input);
      } else return fail('float_type', loc, 'Input should be a valid number', input);
      return checkBounds(value, bounds, loc, input);
    },
  };
}

/** An integer: JSON integers, integral floats (3.0) and integer strings ("3"); never booleans. */
export function integer(bounds: Bounds = {}): Field<number> {
  return {
    optional: false,
    parse: (input, loc) => {
      let value: number;
      if (typeof input === 'number') {
        if (!Number.isFinite(input)) return fail('int_type', loc, 'Input should be a valid integer', input);
        if (!Number.isInteger(input)) {
          return fail('int_from_float', loc, 'Input should be a valid integer, got a number with a fractional part', input);
        }
        value = input;
      } else if (typeof input === 'string') {
        const text = input.trim();
        if (!/^[+-]?\d+$/.test(text)) {
          return fail('int_parsing', loc, 'Input should be a valid integer, unable to parse string as an integer', input);
        }
        value = Number(text);
      } else return fail('int_type', loc, 'Input should be a valid integer', input);
      if (!Number.isSafeInteger(value))
        return fail('int_parsing_size', loc, 'Unable to parse input string as an integer, exceeded maximum size', input);
      return checkBounds(value, bounds, loc, input);
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
  const issues: ValidationIssue[] = [];
  const output: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const raw = Object.prototype.hasOwnProperty.call(body, key) ? body[key] : undefined;
    if (raw === undefined && !field.optional) {
      issues.push({ type: 'missing', loc: ['body', key], msg: 'Field required', input: body });
      continue;
    }
    const result = field.parse(raw, ['body', key]);
    if (result.ok) output[key] = result.value;
    else issues.push(result.issue);
  }
  if (issues.length > 0) throw new RequestValidationError(issues);
  return output as Infer<S>;
}

/** An integer path parameter, e.g. `/api/orders/:order_id`. */
export function pathInt(value: string | undefined, name: string): number {
  const text = (value ?? '').trim();
  if (/^[+-]?\d{1,15}$/.test(text)) return Number(text);
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
