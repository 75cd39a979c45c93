import { Hono } from "hono";
import { z } from "zod";
import { listSyncHistory } from "../db/sync_history.ts";
import { pullEntities } from "../sync/feeds.ts";
import { HistoryPage } from "../views/history_page.tsx";
import { organizationScope } from "./access.ts";
import { loadConfigOr404 } from "./admin_configs.tsx";
import type { AppEnv, Services } from "./context.ts";
import { decodeHistoryCursor, encodeHistoryCursor } from "./sync_history.ts";
import { validate } from "./validation.ts";

/** Runs per page of the history page. */
export const historyPageSize = 25;

const idSchema = z.object({ id: z.coerce.number().int().positive() });

const historyQuerySchema = z.object({
  cursor: z.string().max(200).refine((cursor) => decodeHistoryCursor(cursor) !== undefined, {
    error: "invalid cursor: follow the Older runs link, or open the newest runs",
  }).optional(),
});

/**
 * /admin/configs/:id/history: the sync runs of a configuration, newest first, with keyset
 * paging through the opaque cursor of GET /api/pems/sync. Users who are limited to some
 * organizations see only those organizations' runs.
 */
export function adminHistoryRoutes(services: Services) {
  return new Hono<AppEnv>().get(
    "/:id/history",
    validate("param", idSchema),
    validate("query", historyQuerySchema),
    async (c) => {
      const user = c.get("user");
      const config = await loadConfigOr404(services, user, c.req.valid("param").id);
      const { cursor } = c.req.valid("query");
      const page = await listSyncHistory(services.db, {
        apiConfigId: config.id,
        organizationScope: organizationScope(user),
        limit: historyPageSize,
        after: cursor === undefined ? undefined : decodeHistoryCursor(cursor),
      });
      const model = {
        user,
        config,
        entries: page.entries,
        olderCursor: page.next ? encodeHistoryCursor(page.next) : null,
        isOlderPage: cursor !== undefined,
        showEntity: pullEntities(config.feeds).length > 1,
        now: new Date(),
      };
      return c.html(<HistoryPage model={model} />);
    },
  );
}
