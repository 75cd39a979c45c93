import { Hono } from "hono";
import { log } from "../lib/log.ts";
import type { AppEnv, Services } from "./context.ts";

/** GET /healthz: 200 when the database and KV answer, else 503 naming the one that failed. */
export function healthRoutes(services: Services) {
  return new Hono<AppEnv>().get("/healthz", async (c) => {
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
