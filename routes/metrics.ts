import { Hono } from "hono";
import { countSyncRunsByStatus } from "../db/sync_history.ts";
import { metrics, prometheusContentType, syncQueueDepth, syncRunsGauge } from "../lib/metrics.ts";
import type { AppEnv, Services } from "./context.ts";

/**
 * GET /metrics: Prometheus text format, without authentication like /healthz. It shows counts and
 * durations only, never organization codes, names or credentials.
 */
export function metricsRoutes(services: Services) {
  return new Hono<AppEnv>().get("/metrics", async (c) => {
    const counts = await countSyncRunsByStatus(services.db);
    syncRunsGauge.reset();
    for (const [status, count] of Object.entries(counts)) syncRunsGauge.set({ status }, count);
    syncQueueDepth.set({}, counts.queued + counts.running);
    return c.body(metrics.render(), 200, { "content-type": prometheusContentType });
  });
}
