import { hashPassword } from "../lib/passwords.ts";
import type { Queryable } from "./database.ts";

export type Role = "admin" | "operator" | "viewer";

/** A user without the password hash. */
export interface User {
  id: number;
  email: string;
  role: Role;
  disabled: boolean;
  tokenVersion: number;
}

/** A user with the stored hash, for the login check only. */
export interface UserWithHash extends User {
  passwordHash: string;
}

// deno-lint-ignore no-explicit-any
function toUser(row: any): UserWithHash {
  return {
    id: Number(row.id),
    email: row.email,
    role: row.role,
    disabled: row.disabled,
    tokenVersion: Number(row.token_version),
    passwordHash: row.password_hash,
  };
}

/** Public part of a user, for API responses. */
export function publicUser(user: User): User {
  const { id, email, role, disabled, tokenVersion } = user;
  return { id, email, role, disabled, tokenVersion };
}

export async function findUserByEmail(
  db: Queryable,
  email: string,
): Promise<UserWithHash | undefined> {
  const rows = await db.query("select * from users where email = $1", [email.toLowerCase()]);
  return rows.length > 0 ? toUser(rows[0]) : undefined;
}

export async function findUserById(db: Queryable, id: number): Promise<User | undefined> {
  const rows = await db.query("select * from users where id = $1", [id]);
  return rows.length > 0 ? publicUser(toUser(rows[0])) : undefined;
}

/**
 * Creates an admin, or sets the password of an existing one and makes it an enabled admin.
 * A changed password increments the token version, so older tokens stop working.
 */
export async function upsertAdmin(db: Queryable, email: string, password: string): Promise<User> {
  const hash = await hashPassword(password);
  const [row] = await db.query(
    `insert into users (email, password_hash, role) values ($1, $2, 'admin')
     on conflict (email) do update set password_hash = excluded.password_hash, role = 'admin',
       disabled = false, token_version = users.token_version + 1, updated_at = now()
     returning *`,
    [email.toLowerCase(), hash],
  );
  return publicUser(toUser(row));
}

export async function countUsers(db: Queryable): Promise<number> {
  const [row] = await db.query<{ count: string | number }>("select count(*) as count from users");
  return Number(row.count);
}
