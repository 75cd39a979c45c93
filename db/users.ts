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
  /** Organization codes the user works for; admins reach every organization regardless. */
  organizations: string[];
}

/** A user with the stored hash, for the login check only. */
export interface UserWithHash extends User {
  passwordHash: string;
}

const selectUser = `
  select u.*, array(select organization from user_organizations o
                    where o.user_id = u.id order by organization) as organizations
  from users u`;

// deno-lint-ignore no-explicit-any
function toUser(row: any): UserWithHash {
  return {
    id: Number(row.id),
    email: row.email,
    role: row.role,
    disabled: row.disabled,
    tokenVersion: Number(row.token_version),
    organizations: row.organizations ?? [],
    passwordHash: row.password_hash,
  };
}

/** Public part of a user, for API responses. */
export function publicUser(user: User): User {
  const { id, email, role, disabled, tokenVersion, organizations } = user;
  return { id, email, role, disabled, tokenVersion, organizations };
}

export async function findUserByEmail(
  db: Queryable,
  email: string,
): Promise<UserWithHash | undefined> {
  const rows = await db.query(`${selectUser} where u.email = $1`, [email.toLowerCase()]);
  return rows.length > 0 ? toUser(rows[0]) : undefined;
}

export async function findUserById(db: Queryable, id: number): Promise<User | undefined> {
  const rows = await db.query(`${selectUser} where u.id = $1`, [id]);
  return rows.length > 0 ? publicUser(toUser(rows[0])) : undefined;
}

export async function listUsers(db: Queryable): Promise<User[]> {
  const rows = await db.query(`${selectUser} order by u.email`);
  return rows.map((row) => publicUser(toUser(row)));
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
     returning id`,
    [email.toLowerCase(), hash],
  );
  return (await findUserById(db, Number(row.id)))!;
}

export async function countUsers(db: Queryable): Promise<number> {
  const [row] = await db.query<{ count: string | number }>("select count(*) as count from users");
  return Number(row.count);
}

/** Fields of a new user. */
export interface NewUser {
  email: string;
  password: string;
  role: Role;
  organizations: string[];
}

/** Creates a user; returns undefined when the email is taken. */
export async function createUser(db: Queryable, user: NewUser): Promise<User | undefined> {
  const rows = await db.query<{ id: string | number }>(
    `insert into users (email, password_hash, role) values ($1, $2, $3)
     on conflict (email) do nothing returning id`,
    [user.email.toLowerCase(), await hashPassword(user.password), user.role],
  );
  if (rows.length === 0) return undefined;
  const id = Number(rows[0].id);
  await setUserOrganizations(db, id, user.organizations);
  return await findUserById(db, id);
}

/** Changes of a user; a new password, role or disabled state ends the user's older tokens. */
export interface UserChanges {
  password?: string;
  role?: Role;
  disabled?: boolean;
  organizations?: string[];
}

/** Applies changes to a user; returns undefined when it does not exist. */
export async function updateUser(
  db: Queryable,
  id: number,
  changes: UserChanges,
): Promise<User | undefined> {
  const hash = changes.password === undefined ? null : await hashPassword(changes.password);
  const rows = await db.query(
    `update users set
       password_hash = coalesce($2, password_hash),
       role = coalesce($3, role),
       disabled = coalesce($4, disabled),
       token_version = token_version + case when $2::text is not null
         or ($3::text is not null and $3::text <> role)
         or ($4::boolean is not null and $4::boolean <> disabled) then 1 else 0 end,
       updated_at = now()
     where id = $1 returning id`,
    [id, hash, changes.role ?? null, changes.disabled ?? null],
  );
  if (rows.length === 0) return undefined;
  if (changes.organizations) await setUserOrganizations(db, id, changes.organizations);
  return await findUserById(db, id);
}

/** Deletes a user; returns false when it did not exist. */
export async function deleteUser(db: Queryable, id: number): Promise<boolean> {
  const rows = await db.query("delete from users where id = $1 returning id", [id]);
  return rows.length > 0;
}

/** Counts enabled admins other than `exceptId`, to keep at least one. */
export async function countOtherAdmins(db: Queryable, exceptId: number): Promise<number> {
  const [row] = await db.query<{ count: string | number }>(
    "select count(*) as count from users where role = 'admin' and not disabled and id <> $1",
    [exceptId],
  );
  return Number(row.count);
}

async function setUserOrganizations(db: Queryable, id: number, organizations: string[]) {
  await db.query("delete from user_organizations where user_id = $1", [id]);
  if (organizations.length === 0) return;
  await db.query(
    `insert into user_organizations (user_id, organization)
     select $1, unnest($2::text[]) on conflict do nothing`,
    [id, organizations],
  );
}
