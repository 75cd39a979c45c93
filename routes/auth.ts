import { type Context, Hono } from "hono";
import { getConnInfo } from "hono/deno";
import { createMiddleware } from "hono/factory";
import { sign, verify } from "hono/jwt";
import { z } from "zod";
import { findUserByEmail, findUserById, publicUser, type Role, type User } from "../db/users.ts";
import { HttpError } from "../lib/http_error.ts";
import { log } from "../lib/log.ts";
import { clearLoginFailures, loginRetryAfter, recordLoginFailure } from "../lib/login_throttle.ts";
import { verifyNothing, verifyPassword } from "../lib/passwords.ts";
import type { AppEnv, Services } from "./context.ts";
import { isSameOriginRequest, isUnsafeMethod, readSessionToken } from "./session_cookie.ts";
import { validate } from "./validation.ts";

/** Lifetime of a login token and of the session cookie that carries it. */
export const tokenLifetimeSeconds = 8 * 60 * 60;

const loginSchema = z.strictObject({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1000),
});

// hono/jwt accepts a token without `exp`, so the claims are checked here as well.
const claimsSchema = z.object({
  sub: z.string().regex(/^\d+$/),
  exp: z.number(),
  iat: z.number(),
  ver: z.number().int(),
});

/** Signs an HS256 token for a user, valid for 8 hours. */
export async function issueToken(
  secret: string,
  user: { id: number; tokenVersion: number },
  now = Math.floor(Date.now() / 1000),
): Promise<string> {
  return await sign(
    { sub: String(user.id), iat: now, exp: now + tokenLifetimeSeconds, ver: user.tokenVersion },
    secret,
    "HS256",
  );
}

/**
 * Returns the enabled user with this email and password, or undefined. An unknown email costs a
 * password hash too, so response times do not reveal which emails exist.
 */
export async function findUserByCredentials(
  services: Services,
  email: string,
  password: string,
  clientAddress?: string,
): Promise<User | undefined> {
  const retryAfter = await loginRetryAfter(services.kv, email, clientAddress);
  if (retryAfter !== undefined) {
    throw new HttpError(
      429,
      "too_many_attempts",
      `too many failed logins: try again in ${Math.ceil(retryAfter / 60)} minutes`,
      { retryAfterSeconds: retryAfter },
      { "Retry-After": String(retryAfter) },
    );
  }
  const user = await findUserByEmail(services.db, email);
  const valid = user && !user.disabled
    ? await verifyPassword(password, user.passwordHash)
    : await verifyNothing(password);
  if (!user || !valid) {
    await recordLoginFailure(services.kv, email, clientAddress);
    log("warn", "login failed", { clientAddress });
    return undefined;
  }
  await clearLoginFailures(services.kv, email);
  return publicUser(user);
}

/**
 * Returns the client's IP address as the server saw it, when the runtime gives one.
 * TODO: behind a reverse proxy this is the proxy's address for every client; a setting to trust
 * X-Forwarded-For from known proxies is missing.
 */
export function clientAddressOf(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    // No connection info, as for requests made with app.request in tests.
    return undefined;
  }
}

/** POST /api/auth/login: returns `{token, user}`. */
export function authRoutes(services: Services) {
  return new Hono<AppEnv>().post("/login", validate("json", loginSchema), async (c) => {
    const { email, password } = c.req.valid("json");
    const user = await findUserByCredentials(services, email, password, clientAddressOf(c));
    if (!user) {
      throw new HttpError(401, "invalid_credentials", "invalid email or password");
    }
    const token = await issueToken(services.jwtSecret, user);
    return c.json({ token, user: publicUser(user) });
  });
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, "unauthorized", message);
}

/**
 * Requires a valid HS256 token of an enabled user whose token version still matches, and sets
 * `user`. The token comes from `Authorization: Bearer <token>`, or else from the admin pages'
 * session cookie. Unsafe requests authenticated by the cookie must come from this site's pages
 * (CSRF check).
 */
export function requireUser(services: Services) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    const token = match ? match[1] : readSessionToken(c);
    if (!token) throw unauthorized("missing bearer token: log in at POST /api/auth/login");
    if (!match && isUnsafeMethod(c.req.method) && !isSameOriginRequest(c)) {
      throw new HttpError(
        403,
        "forbidden",
        "cross-origin request with the session cookie rejected: send a bearer token instead",
      );
    }
    c.set("user", await verifyUserToken(services, token));
    await next();
  });
}

/**
 * Verifies an HS256 token and loads its user.
 *
 * @throws {HttpError} 401 when the token is invalid or expired, or its user is missing, disabled
 * or has a newer token version.
 */
export async function verifyUserToken(services: Services, token: string): Promise<User> {
  let payload: unknown;
  try {
    payload = await verify(token, services.jwtSecret, "HS256");
  } catch (error) {
    // The library's messages contain the token, so only its error name is kept.
    const expired = (error as Error).name === "JwtTokenExpired";
    throw unauthorized(expired ? "token expired: log in again" : "invalid token");
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw unauthorized("invalid token claims");
  const user = await findUserById(services.db, Number(claims.data.sub));
  if (!user || user.disabled || user.tokenVersion !== claims.data.ver) {
    throw unauthorized("token no longer valid: log in again");
  }
  return user;
}

/** Requires one of the given roles; others get 403. */
export function requireRole(...roles: Role[]) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (!roles.includes(c.get("user").role)) {
      throw new HttpError(403, "forbidden", `requires role ${roles.join(" or ")}`);
    }
    await next();
  });
}
