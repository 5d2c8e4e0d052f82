import { createSecretKey, type KeyObject } from 'node:crypto';
import bcrypt from 'bcryptjs';
import jwt from 'jsonwebtoken';
import type { Knex } from 'knex';
import type { AppConfig } from '../config';
import { HttpError } from '../errors';
import { formatFixed2 } from '../money';
import { nowTimestamp } from '../time';
import type { UserCreate, UserRow } from './schema';

export async function findUserByUsername(db: Knex, username: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ username }).first();
}

export async function findUserByEmail(db: Knex, email: string): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ email }).first();
}

export async function findUserById(db: Knex, id: number): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ id }).first();
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** Registers a user; 400 if the email or username is taken. */
export async function registerUser(db: Knex, config: AppConfig, input: UserCreate): Promise<UserRow> {
  if (await findUserByEmail(db, input.email)) throw new HttpError(400, 'Email already registered');
  if (await findUserByUsername(db, input.username)) throw new HttpError(400, 'Username already taken');

  const hashedPassword = await bcrypt.hash(input.password, config.bcryptCost);
  try {
    const [user] = await db<UserRow>('users')
      .insert({
        email: input.email,
        username: input.username,
        hashed_password: hashedPassword,
        full_name: input.full_name,
        balance: config.initialBalance,
        created_at: nowTimestamp(),
      })
      .returning('*');
    return user;
  } catch (err) {
    // Lost a race with a concurrent registration for the same email/username.
    if (!isUniqueViolation(err)) throw err;
    if (await findUserByEmail(db, input.email)) throw new HttpError(400, 'Email already registered');
    throw new HttpError(400, 'Username already taken');
  }
}

/** The user if the username/password pair is valid, otherwise undefined. */
export async function authenticateUser(db: Knex, username: string, password: string): Promise<UserRow | undefined> {
  const user = await findUserByUsername(db, username);
  if (!user) return undefined;
  return (await bcrypt.compare(password, user.hashed_password)) ? user : undefined;
}

/**
 * The HMAC key object for a secret, made once. Given the secret as a string, jsonwebtoken would
 * first try to read it as a PEM key, and throw and catch that error, on every sign and verify.
 */
const hmacKeys = new Map<string, KeyObject>();
function hmacKey(secret: string): KeyObject {
  let key = hmacKeys.get(secret);
  if (!key) hmacKeys.set(secret, (key = createSecretKey(secret, 'utf8')));
  return key;
}

/** A signed HS256 JWT whose `sub` is the username. */
export function createAccessToken(config: AppConfig, username: string): string {
  return jwt.sign({ sub: username }, hmacKey(config.jwtSecret), {
    algorithm: 'HS256',
    expiresIn: config.accessTokenExpireMinutes * 60,
  });
}

/** The username in a valid, unexpired token, otherwise null. */
export function verifyAccessToken(config: AppConfig, token: string): string | null {
  try {
    const payload = jwt.verify(token, hmacKey(config.jwtSecret), { algorithms: ['HS256'] });
    if (typeof payload === 'object' && typeof payload.sub === 'string' && payload.sub !== '') return payload.sub;
    return null;
  } catch {
    return null;
  }
}

export async function deposit(db: Knex, user: UserRow, amount: number): Promise<{ message: string; new_balance: number }> {
  if (amount <= 0) throw new HttpError(400, 'Amount must be greater than 0');
  await db('users').where({ id: user.id }).increment('balance', amount);
  const updated = await findUserById(db, user.id);
  return { message: `Successfully deposited $${formatFixed2(amount)}`, new_balance: updated?.balance ?? user.balance + amount };
}

export async function withdraw(db: Knex, user: UserRow, amount: number): Promise<{ message: string; new_balance: number }> {
  if (amount <= 0) throw new HttpError(400, 'Amount must be greater than 0');
  // Conditional update: never lets two concurrent withdrawals overdraw the account.
  const changed = await db('users').where({ id: user.id }).andWhere('balance', '>=', amount).decrement('balance', amount);
  const updated = await findUserById(db, user.id);
  const balance = updated?.balance ?? user.balance;
  if (changed === 0) throw new HttpError(400, `Insufficient funds. Available: $${formatFixed2(balance)}`);
  return { message: `Successfully withdrew $${formatFixed2(amount)}`, new_balance: balance };
}
