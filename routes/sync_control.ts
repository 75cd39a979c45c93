import { Hono } from "hono";
import { z } from "zod";
import { listQuarantinedRows } from "../db/quarantine.ts";
import { loadSyncRun, requestCancel } from "../db/sync_runs.ts";
import { HttpError } from "../lib/http_error.ts";
import { publishProgress, toSyncProgress } from "../sync/progress.ts";
import { recordAudit } from "../db/audit_log.ts";
import { visibleRun } from "./access.ts";
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
  const notFound = (syncId: string) =>
    new HttpError(404, "not_found", `sync run ${syncId} not found`);

  return new Hono<AppEnv>()
    .post(
      "/:syncId/cancel",
      requireRole("admin", "operator"),
      validate("param", syncIdSchema),
      async (c) => {
        const { syncId } = c.req.valid("param");
        const user = c.get("user");
        visibleRun(user, await loadSyncRun(db, syncId), syncId);
        const run = await requestCancel(db, syncId);
        if (!run) throw notFound(syncId);
        await recordAudit(db, {
          user,
          action: "sync.cancel",
          targetType: "sync_run",
          targetId: run.id,
          organization: run.organization,
        });
        if (run.status === "cancelled") {
          // A queued run ends at once; tell the SSE streams.
          await publishProgress(services.kv, run);
        }
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
