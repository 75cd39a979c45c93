import { Hono } from "hono";
import { z } from "zod";
import { listQuarantinedRows } from "../db/quarantine.ts";
import { loadSyncRun } from "../db/sync_runs.ts";
import { toSyncProgress } from "../sync/progress.ts";
import { visibleRun } from "./access.ts";
import { cancelRunForUser } from "./sync_cancel.ts";
import { requireRole } from "./auth.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

const syncIdSchema = z.object({ syncId: z.uuid({ error: "expected a sync id (UUID)" }) });
/** Query of GET /api/pems/sync/:syncId/quarantine; exported for the OpenAPI document. */
export const pageSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.coerce.number().int().min(0).optional(),
});

/** Cancel a run and list its quarantined rows, under /api/pems/sync/:syncId. */
export function syncControlRoutes(services: Services) {
  const { db } = services;

  return new Hono<AppEnv>()
    .post(
      "/:syncId/cancel",
      requireRole("admin", "operator"),
      validate("param", syncIdSchema),
      async (c) => {
        const { run } = await cancelRunForUser(
          services,
          c.get("user"),
          c.req.valid("param").syncId,
        );
        return c.json(toSyncProgress(run), 202);
      },
    )
    .get(
      "/:syncId/quarantine",
      validate("param", syncIdSchema),
      validate("query", pageSchema),
      async (c) => {
        const { syncId } = c.req.valid("param");
        visibleRun(c.get("user"), await loadSyncRun(db, syncId), syncId);
        const { limit, after } = c.req.valid("query");
        const rows = await listQuarantinedRows(db, syncId, { limit, after });
        const next = rows.length === limit ? rows[rows.length - 1].rowPosition : null;
        return c.json({ rows, next });
      },
    );
}
