import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { HttpError } from "../lib/http_error.ts";
import { log } from "../lib/log.ts";
import { authRoutes, requireUser } from "./auth.ts";
import { configRoutes } from "./configs.ts";
import type { AppEnv, Services } from "./context.ts";
import { healthRoutes } from "./health.ts";
import { metricsRoutes } from "./metrics.ts";
import { openApiRoutes } from "./openapi.ts";
import { organizationRoutes } from "./organizations.ts";
import { pageRoutes } from "./pages.tsx";
import { syncRoutes } from "./sync.ts";
import { syncControlRoutes } from "./sync_control.ts";
import { syncHistoryRoutes } from "./sync_history.ts";

/** Builds the whole HTTP app: REST API, health check and, in demo mode, the PEMS simulator. */
export function createApp(services: Services) {
  const app = new Hono<AppEnv>();

  app.onError((error, c) => {
    if (error instanceof HttpError) {
      const headers: Record<string, string> = error.status === 401
        ? { "WWW-Authenticate": 'Bearer realm="pems-sync"' }
        : {};
      return c.json(
        { error: { code: error.code, message: error.message, details: error.details ?? null } },
        error.status as 400,
        headers,
      );
    }
    if (error instanceof HTTPException && error.status < 500) {
      return c.json(
        { error: { code: "invalid_request", message: error.message, details: null } },
        error.status,
      );
    }
    log("error", "request failed", { method: c.req.method, path: c.req.path, error });
    return c.json({ error: { code: "internal", message: "internal error", details: null } }, 500);
  });
  app.notFound((c) =>
    c.json({
      error: {
        code: "not_found",
        message: `no route ${c.req.method} ${c.req.path}`,
        details: null,
      },
    }, 404)
  );

  app.route("/", healthRoutes(services));
  app.route("/", metricsRoutes(services));
  if (services.simulator) {
    const simulator = services.simulator;
    app.all("/pems-sim/*", (c) => simulator.handle(c.req.raw));
  }
  app.route("/api/auth", authRoutes(services));
  app.route("/api", openApiRoutes());
  app.use("/api/*", requireUser(services));
  app.route("/api/configs", configRoutes(services));
  app.route("/api/organizations", organizationRoutes(services));
  app.route("/api/pems/sync", syncRoutes(services));
  app.route("/api/pems/sync", syncControlRoutes(services));
  app.route("/api/pems/sync", syncHistoryRoutes(services));
  app.route("/", pageRoutes(services));
  return app;
}
