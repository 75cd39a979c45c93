import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/** Name of the cookie that carries the JWT for the admin pages and their API calls. */
export const sessionCookieName = "pems_session";

const unsafeMethods = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Returns true when the request came over https, directly or behind `X-Forwarded-Proto: https`. */
export function isHttpsRequest(c: Context): boolean {
  const forwarded = c.req.header("x-forwarded-proto")?.split(",")[0].trim().toLowerCase();
  return forwarded === "https" || new URL(c.req.url).protocol === "https:";
}

/** Returns the session token from the request's cookie, or undefined. */
export function readSessionToken(c: Context): string | undefined {
  return getCookie(c, sessionCookieName) || undefined;
}

/**
 * Sets the session cookie: HttpOnly so scripts cannot read the token, SameSite=Strict so other
 * sites cannot send it, and Secure on https.
 */
export function setSessionCookie(c: Context, token: string, maxAgeSeconds: number): void {
  setCookie(c, sessionCookieName, token, {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: isHttpsRequest(c),
    maxAge: maxAgeSeconds,
  });
}

/** Clears the session cookie. */
export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookieName, {
    path: "/",
    httpOnly: true,
    sameSite: "Strict",
    secure: isHttpsRequest(c),
  });
}

/** Returns true for POST, PUT, PATCH and DELETE, which need a CSRF check under cookie auth. */
export function isUnsafeMethod(method: string): boolean {
  return unsafeMethods.has(method.toUpperCase());
}

/**
 * Returns true when a browser sent the request from a page of this site: `Sec-Fetch-Site:
 * same-origin`, or else an `Origin` header with this request's host. Requests with neither header
 * are rejected, because every current browser sends `Origin` on POST, PUT, PATCH and DELETE.
 * The host comparison ignores the scheme, so a proxy that terminates TLS does not break it.
 */
export function isSameOriginRequest(c: Context): boolean {
  const fetchSite = c.req.header("sec-fetch-site");
  if (fetchSite !== undefined) return fetchSite === "same-origin";
  const origin = c.req.header("origin");
  if (!origin || origin === "null") return false;
  try {
    return new URL(origin).host === new URL(c.req.url).host;
  } catch {
    return false;
  }
}
