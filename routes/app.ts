import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import { HttpError } from "../lib/http_error.ts";
import { log } from "../lib/log.ts";
import { auditRoutes } from "./audit.ts";
import { authRoutes, requireUser } from "./auth.ts";
import { configRoutes } from "./configs.ts";
import { dataRoutes } from "./data.ts";
import type { AppEnv, Services } from "./context.ts";
import { healthRoutes } from "./health.ts";
import { metricsRoutes } from "./metrics.ts";
import { openApiRoutes } from "./openapi.ts";
import { organizationRoutes } from "./organizations.ts";
import { pageRoutes } from "./pages.tsx";
import { syncRoutes } from "./sync.ts";
import { syncControlRoutes } from "./sync_control.ts";
import { syncHistoryRoutes } from "./sync_history.ts";
import { userRoutes } from "./users.ts";

/** Largest request body accepted, in bytes. */
export const maxBodyBytes = 1024 * 1024;

/** Builds the whole HTTP app: REST API, health check and, in demo mode, the PEMS simulator. */
export function createApp(services: Services) {
  const app = new Hono<AppEnv>();

  app.onError((error, c) => {
    if (error instanceof HttpError) {
      const headers: Record<string, string> = error.status === 401
        ? { "WWW-Authenticate": 'Bearer realm="pems-sync"', ...error.headers }
        : error.headers;
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

  // Pages load scripts and styles only from static/, never inline, and may not be framed.
  app.use(secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
    referrerPolicy: "same-origin",
    xFrameOptions: "DENY",
  }));
  app.use(bodyLimit({
    maxSize: maxBodyBytes,
    onError: (c) =>
      c.json({
        error: {
          code: "payload_too_large",
          message: `request body larger than ${maxBodyBytes} bytes`,
          details: null,
        },
      }, 413),
  }));

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
  app.route("/api/users", userRoutes(services));
  app.route("/api/audit", auditRoutes(services));
  app.route("/api/data", dataRoutes(services));
  app.route("/api/pems/sync", syncRoutes(services));
  app.route("/api/pems/sync", syncControlRoutes(services));
  app.route("/api/pems/sync", syncHistoryRoutes(services));
  app.route("/", pageRoutes(services));
  return app;
}
