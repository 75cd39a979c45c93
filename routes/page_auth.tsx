import type { Context, ErrorHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { HTTPException } from "hono/http-exception";
import { HttpError } from "../lib/http_error.ts";
import { log } from "../lib/log.ts";
import { ErrorMessage, Layout } from "../views/layout.tsx";
import { verifyUserToken } from "./auth.ts";
import type { AppEnv, Services } from "./context.ts";
import {
  clearSessionCookie,
  isSameOriginRequest,
  isUnsafeMethod,
  readSessionToken,
} from "./session_cookie.ts";

/** Reason the login page was opened. Each reason has a fixed message there. */
export type LoginReason = "expired" | "logged_out";

/** Returns true for requests that htmx sends (`HX-Request: true`). */
export function isHtmxRequest(c: Context): boolean {
  return c.req.header("hx-request") === "true";
}

/**
 * Sends the browser to the login page. htmx requests get 401 with `HX-Redirect`, because htmx
 * would otherwise swap the login page into the element that made the request.
 */
export function redirectToLogin(c: Context, reason?: LoginReason): Response {
  const location = reason ? `/login?reason=${reason}` : "/login";
  if (isHtmxRequest(c)) {
    c.header("HX-Redirect", location);
    return c.body(null, 401);
  }
  return c.redirect(location, 303);
}

/**
 * Requires the session cookie of an enabled user and sets `user`. Everyone else goes to the
 * login page. An invalid or expired cookie is cleared. Unsafe requests must come from this
 * site's pages (CSRF check).
 */
export function requirePageUser(services: Services) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (isUnsafeMethod(c.req.method) && !isSameOriginRequest(c)) {
      throw new HttpError(403, "forbidden", "cross-origin request rejected: reload the page");
    }
    const token = readSessionToken(c);
    if (!token) return redirectToLogin(c);
    try {
      c.set("user", await verifyUserToken(services, token));
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 401) throw error;
      clearSessionCookie(c);
      return redirectToLogin(c, "expired");
    }
    await next();
  });
}

// htmx swaps only the statuses for which the admin pages respond with HTML (views/layout.tsx), so
// other client errors become 400. Server errors are not swapped: static/app.js reports them.
function htmxStatus(status: number): 400 | 403 | 404 | 409 | 500 {
  if (status === 400 || status === 403 || status === 404 || status === 409) return status;
  return status >= 500 ? 500 : 400;
}

/**
 * Error handler of the page routes. htmx requests get the message retargeted to the page's
 * `#flash` area; other requests get an error page. Unexpected errors are logged and shown
 * without details.
 */
export const renderPageError: ErrorHandler<AppEnv> = (error, c) => {
  let status = 500;
  let message = "internal error: try again, and check the service log if it persists";
  if (error instanceof HttpError || (error instanceof HTTPException && error.status < 500)) {
    status = error.status;
    message = error.message || `request failed with status ${status}`;
  } else {
    log("error", "page request failed", { method: c.req.method, path: c.req.path, error });
  }
  if (status === 401) return redirectToLogin(c, "expired");
  if (isHtmxRequest(c)) {
    c.header("HX-Retarget", "#flash");
    c.header("HX-Reswap", "innerHTML");
    return c.html(<ErrorMessage message={message} />, htmxStatus(status));
  }
  return c.html(
    <Layout title="Error" user={c.get("user")}>
      <h1>Request failed</h1>
      <ErrorMessage message={message} />
      <p>
        <a href="/admin/api-connectivity">Back to API connectivity</a>
      </p>
    </Layout>,
    status as 400,
  );
};
