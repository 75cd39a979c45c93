import { Hono } from "hono";
import { z } from "zod";
import { HttpError } from "../lib/http_error.ts";
import { log } from "../lib/log.ts";
import { ConnectivityPage } from "../views/connectivity_page.tsx";
import { LoginPage } from "../views/login_page.tsx";
import { adminAuditRoutes } from "./admin_audit.tsx";
import { adminConfigFormRoutes } from "./admin_config_form.tsx";
import { adminConfigRoutes, listConfigRows } from "./admin_configs.tsx";
import { adminHistoryRoutes } from "./admin_history.tsx";
import { adminScheduleRoutes } from "./admin_schedule.tsx";
import { syncDialogRoutes } from "./admin_sync_dialog.tsx";
import { adminSyncRunRoutes } from "./admin_sync_run.tsx";
import { adminSyncRoutes } from "./admin_syncs.tsx";
import { adminUserRoutes } from "./admin_users.tsx";
import {
  clientAddressOf,
  findUserByCredentials,
  issueToken,
  tokenLifetimeSeconds,
  verifyUserToken,
} from "./auth.ts";
import type { AppEnv, Services } from "./context.ts";
import { type LoginReason, renderPageError, requirePageUser } from "./page_auth.tsx";
import {
  clearSessionCookie,
  isSameOriginRequest,
  readSessionToken,
  setSessionCookie,
} from "./session_cookie.ts";
import { staticRoutes } from "./static_files.ts";

const homePath = "/admin/api-connectivity";

const loginNotices: Record<LoginReason, string> = {
  expired: "Your session has expired. Log in again.",
  logged_out: "You have logged out.",
};

const loginFormSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1000),
});

/**
 * Builds the admin page routes: /login, /logout, /admin/* and the /static/* files they load.
 * Pages for users who are not logged in redirect to /login.
 */
export function pageRoutes(services: Services) {
  const app = new Hono<AppEnv>();
  app.onError(renderPageError);

  async function hasValidSession(token: string | undefined): Promise<boolean> {
    if (!token) return false;
    try {
      await verifyUserToken(services, token);
      return true;
    } catch (error) {
      if (error instanceof HttpError && error.status === 401) return false;
      throw error;
    }
  }

  app.route("/static", staticRoutes());

  app.get("/", async (c) => {
    return c.redirect(await hasValidSession(readSessionToken(c)) ? homePath : "/login", 303);
  });

  app.get("/login", async (c) => {
    if (await hasValidSession(readSessionToken(c))) return c.redirect(homePath, 303);
    const reason = c.req.query("reason");
    const notice = reason === "expired" || reason === "logged_out"
      ? loginNotices[reason]
      : undefined;
    return c.html(<LoginPage notice={notice} />);
  });

  app.post("/login", async (c) => {
    if (!isSameOriginRequest(c)) {
      throw new HttpError(403, "forbidden", "cross-origin login rejected: open the login page");
    }
    const parsed = loginFormSchema.safeParse(await c.req.parseBody());
    const email = parsed.success ? parsed.data.email : "";
    let user;
    try {
      user = parsed.success
        ? await findUserByCredentials(services, email, parsed.data.password, clientAddressOf(c))
        : undefined;
    } catch (error) {
      if (!(error instanceof HttpError) || error.status !== 429) throw error;
      log("warn", "login rejected: too many failed logins", { clientAddress: clientAddressOf(c) });
      // "too many failed logins: try again in 15 minutes", as a sentence on the page.
      const message = `${error.message[0].toUpperCase()}${error.message.slice(1)}.`;
      return c.html(<LoginPage error={message} email={email} />, 429, error.headers);
    }
    if (!user) {
      return c.html(<LoginPage error="Invalid email or password." email={email} />, 401);
    }
    setSessionCookie(c, await issueToken(services.jwtSecret, user), tokenLifetimeSeconds);
    return c.redirect(homePath, 303);
  });

  app.post("/logout", (c) => {
    if (!isSameOriginRequest(c)) {
      throw new HttpError(403, "forbidden", "cross-origin logout rejected: use the Log out button");
    }
    clearSessionCookie(c);
    return c.redirect("/login?reason=logged_out", 303);
  });

  app.use("/admin/*", requirePageUser(services));
  app.get(homePath, async (c) => {
    const user = c.get("user");
    return c.html(<ConnectivityPage user={user} rows={await listConfigRows(services, user)} />);
  });
  // Lets static/app.js find out whether a failed progress stream means the session ended.
  app.get("/admin/session", (c) => c.body(null, 204));
  app.route("/admin/configs", adminConfigRoutes(services));
  app.route("/admin/configs", syncDialogRoutes(services));
  app.route("/admin/configs", adminScheduleRoutes(services));
  app.route("/admin/configs", adminHistoryRoutes(services));
  app.route("/admin/configs", adminConfigFormRoutes(services));
  app.route("/admin/syncs", adminSyncRoutes(services));
  app.route("/admin/syncs", adminSyncRunRoutes(services));
  app.route("/admin/users", adminUserRoutes(services));
  app.route("/admin/audit", adminAuditRoutes(services));
  return app;
}
