import { Hono } from "hono";
import { z } from "zod";
import { listActiveSyncRuns } from "../db/active_sync_runs.ts";
import { type ApiConfiguration, loadApiConfiguration } from "../db/api_configurations.ts";
import type { User } from "../db/users.ts";
import { HttpError } from "../lib/http_error.ts";
import { pullEntities } from "../sync/feeds.ts";
import { type SyncProgress, toSyncProgress } from "../sync/progress.ts";
import { testConnection } from "../sync/test_connection.ts";
import { ConfigRow, type ConfigRowModel } from "../views/config_row.tsx";
import { requireRole } from "./auth.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

const idSchema = z.object({ id: z.coerce.number().int().positive() });

/** Returns true for the roles that may test connections and start syncs. */
export function canOperate(user: User): boolean {
  return user.role === "admin" || user.role === "operator";
}

/** Builds the table row of a configuration from the active runs of all configurations. */
export function toConfigRowModel(
  config: ApiConfiguration,
  activeRuns: SyncProgress[],
  user: User,
): ConfigRowModel {
  return {
    config,
    pulledEntities: pullEntities(config.feeds),
    activeRuns: activeRuns.filter((run) => run.apiConfigId === config.id),
    canOperate: canOperate(user),
  };
}

/** Loads a configuration, or raises 404 naming its id. */
export async function loadConfigOr404(services: Services, id: number): Promise<ApiConfiguration> {
  const config = await loadApiConfiguration(services.db, id);
  if (!config) throw new HttpError(404, "not_found", `API configuration ${id} not found`);
  return config;
}

/** Lists the queued and running runs of every configuration as progress. */
export async function listActiveProgress(services: Services): Promise<SyncProgress[]> {
  return (await listActiveSyncRuns(services.db)).map((run) => toSyncProgress(run));
}

/** /admin/configs: the table row partial and the connection test of the admin page. */
export function adminConfigRoutes(services: Services) {
  return new Hono<AppEnv>()
    .get("/:id/row", validate("param", idSchema), async (c) => {
      const config = await loadConfigOr404(services, c.req.valid("param").id);
      const model = toConfigRowModel(config, await listActiveProgress(services), c.get("user"));
      return c.html(<ConfigRow model={model} />);
    })
    .post(
      "/:id/test",
      requireRole("admin", "operator"),
      validate("param", idSchema),
      async (c) => {
        const { id } = c.req.valid("param");
        const tested = await loadConfigOr404(services, id);
        const result = await testConnection(services.db, services.cipher, tested, {
          fetch: services.fetch,
        });
        // Reloaded because the test stored its outcome as the configuration's status.
        const config = await loadConfigOr404(services, id);
        const model = toConfigRowModel(config, await listActiveProgress(services), c.get("user"));
        return c.html(<ConfigRow model={{ ...model, connectionTest: result }} />);
      },
    );
}
