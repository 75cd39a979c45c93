import { Hono } from "hono";
import { z } from "zod";
import { loadApiConfiguration } from "../db/api_configurations.ts";
import type { Queryable } from "../db/database.ts";
import { listQuarantinedRows, type QuarantinedRowView } from "../db/quarantine.ts";
import { loadSyncRun } from "../db/sync_runs.ts";
import { listSyncRunLogs } from "../db/sync_run_logs.ts";
import { findUserById, type User } from "../db/users.ts";
import { toSyncProgress } from "../sync/progress.ts";
import { LogRows, QuarantineRows } from "../views/run_tables.tsx";
import { SyncRunPage } from "../views/sync_run_page.tsx";
import { visibleRun } from "./access.ts";
import { canOperate } from "./admin_configs.tsx";
import { syncIdSchema } from "./admin_syncs.tsx";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

/** Quarantined rows per page of the run page. */
export const quarantinePageSize = 50;
/** Log lines per page of the run page. */
export const logPageSize = 100;

const afterSchema = z.object({
  after: z.coerce.number().int().min(0, { error: "expected the `after` of a Show more button" })
    .optional(),
});

/** Lists a page of quarantined rows and the row position the next page starts after. */
async function quarantinePage(
  db: Queryable,
  syncId: string,
  after?: number,
): Promise<{ rows: QuarantinedRowView[]; next: number | null }> {
  const rows = await listQuarantinedRows(db, syncId, { limit: quarantinePageSize + 1, after });
  const page = rows.slice(0, quarantinePageSize);
  const next = rows.length > quarantinePageSize ? page[page.length - 1].rowPosition : null;
  return { rows: page, next };
}

/**
 * /admin/syncs/:syncId: the page of one run, and the next pages of its quarantined rows and log
 * lines, which its Show more buttons load as `<tr>` fragments.
 */
export function adminSyncRunRoutes(services: Services) {
  const { db } = services;

  async function loadVisibleRun(user: User, syncId: string) {
    return visibleRun(user, await loadSyncRun(db, syncId), syncId);
  }

  return new Hono<AppEnv>()
    .get("/:syncId", validate("param", syncIdSchema), async (c) => {
      const user = c.get("user");
      const run = await loadVisibleRun(user, c.req.valid("param").syncId);
      const config = await loadApiConfiguration(db, run.apiConfigurationId);
      const startedBy = run.startedBy === null ? undefined : await findUserById(db, run.startedBy);
      const model = {
        user,
        run,
        progress: toSyncProgress(run),
        configName: config?.name ?? `configuration ${run.apiConfigurationId}`,
        startedByEmail: startedBy?.email ?? null,
        quarantine: await quarantinePage(db, run.id),
        logs: await listSyncRunLogs(db, run.id, { limit: logPageSize }),
        canCancel: canOperate(user),
      };
      return c.html(<SyncRunPage model={model} />);
    })
    .get(
      "/:syncId/quarantine",
      validate("param", syncIdSchema),
      validate("query", afterSchema),
      async (c) => {
        const run = await loadVisibleRun(c.get("user"), c.req.valid("param").syncId);
        const page = await quarantinePage(db, run.id, c.req.valid("query").after);
        return c.html(<QuarantineRows syncId={run.id} rows={page.rows} next={page.next} />);
      },
    )
    .get(
      "/:syncId/logs",
      validate("param", syncIdSchema),
      validate("query", afterSchema),
      async (c) => {
        const run = await loadVisibleRun(c.get("user"), c.req.valid("param").syncId);
        const { after } = c.req.valid("query");
        const page = await listSyncRunLogs(db, run.id, { limit: logPageSize, after });
        return c.html(<LogRows syncId={run.id} lines={page.lines} next={page.next} />);
      },
    );
}
