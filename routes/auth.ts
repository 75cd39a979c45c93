import { Hono } from "hono";
import { createMiddleware } from "hono/factory";
import { sign, verify } from "hono/jwt";
import { z } from "zod";
import { findUserByEmail, findUserById, publicUser, type Role } from "../db/users.ts";
import { HttpError } from "../lib/http_error.ts";
import { verifyNothing, verifyPassword } from "../lib/passwords.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

const tokenLifetimeSeconds = 8 * 60 * 60;

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

/** POST /api/auth/login: returns `{token, user}`. */
export function authRoutes(services: Services) {
  return new Hono<AppEnv>().post("/login", validate("json", loginSchema), async (c) => {
    const { email, password } = c.req.valid("json");
    const user = await findUserByEmail(services.db, email);
    const valid = user && !user.disabled
      ? await verifyPassword(password, user.passwordHash)
      : await verifyNothing(password);
    if (!user || !valid) {
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
 * Requires `Authorization: Bearer <token>` with a valid HS256 token of an enabled user whose
 * token version still matches; sets `user`.
 */
export function requireUser(services: Services) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header("authorization");
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw unauthorized("missing bearer token: log in at POST /api/auth/login");
    let payload: unknown;
    try {
      payload = await verify(match[1], services.jwtSecret, "HS256");
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
    c.set("user", user);
    await next();
  });
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
