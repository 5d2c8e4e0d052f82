import { formatTimestamp } from '../time';
import { optional, parseBody, parseForm, string } from '../validation';

/** A row of the `users` table. */
export interface UserRow {
  id: number;
  email: string;
  username: string;
  hashed_password: string;
  full_name: string | null;
  balance: number;
  created_at: string;
}

/** The authenticated user attached to a request by `requireAuth`. */
export type User = UserRow;

export interface UserResponse {
  id: number;
  email: string;
  username: string;
  full_name: string | null;
  balance: number;
  created_at: string;
}

export function toUserResponse(user: UserRow): UserResponse {
  return {
    id: user.id,
    email: user.email,
    username: user.username,
    full_name: user.full_name,
    balance: user.balance,
    created_at: formatTimestamp(user.created_at),
  };
}

/** POST /auth/register JSON body. */
export function parseUserCreate(body: unknown) {
  return parseBody(body, {
    email: string(),
    username: string(),
    password: string(),
    full_name: optional(string()),
  });
}

export type UserCreate = ReturnType<typeof parseUserCreate>;

/** POST /auth/login form body (OAuth2 password flow). */
export function parseLoginForm(body: unknown) {
  return parseForm(body, { username: string(), password: string() });
}
