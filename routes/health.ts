import { Hono } from "hono";
import { readMigrations } from "../db/migrate.ts";
import { log } from "../lib/log.ts";
import type { AppEnv, Services } from "./context.ts";

/**
 * GET /healthz: 200 when the database and KV answer, else 503 naming the one that failed.
 * GET /readyz: 200 when every migration is applied and the server is not shutting down, else 503.
 * The service starts its queue listener before it listens for HTTP, so any response implies
 * that the listener started.
 */
export function healthRoutes(services: Services) {
  return new Hono<AppEnv>().get("/readyz", async (c) => {
    const status = services.shutdown.aborted ? "shutting_down" : await migrationStatus(services);
    return c.json({ status }, status === "ready" ? 200 : 503);
  }).get("/healthz", async (c) => {
    const checks: Record<string, string> = {};
    try {
      await services.db.query("select 1");
      checks.database = "ok";
    } catch (error) {
      log("error", "health check: database unreachable", { error });
      checks.database = "unreachable";
    }
    try {
      await services.kv.get(["health"]);
      checks.kv = "ok";
    } catch (error) {
      log("error", "health check: KV unreachable", { error });
      checks.kv = "unreachable";
    }
    const healthy = Object.values(checks).every((value) => value === "ok");
    return c.json({ status: healthy ? "ok" : "unavailable", ...checks }, healthy ? 200 : 503);
  });
}

let expectedVersions: Promise<number[]> | undefined;

async function migrationStatus(
  services: Services,
): Promise<"ready" | "migrations_pending" | "database_unreachable"> {
  expectedVersions ??= readMigrations().then((migrations) => migrations.map((m) => m.version));
  let applied: Set<number>;
  try {
    const rows = await services.db.query<{ version: number }>(
      "select version from schema_migrations",
    );
    applied = new Set(rows.map((row) => Number(row.version)));
  } catch (error) {
    log("error", "readiness check: database unreachable", { error });
    return "database_unreachable";
  }
  const expected = await expectedVersions;
  return expected.every((version) => applied.has(version)) ? "ready" : "migrations_pending";
}
