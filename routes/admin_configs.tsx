import { Hono } from "hono";
import { z } from "zod";
import { listActiveSyncRuns } from "../db/active_sync_runs.ts";
import {
  type ApiConfiguration,
  listApiConfigurations,
  loadApiConfiguration,
} from "../db/api_configurations.ts";
import type { User } from "../db/users.ts";
import { pullEntities } from "../sync/feeds.ts";
import { type SyncProgress, toSyncProgress } from "../sync/progress.ts";
import { nextScheduledTime, parseSchedule, ScheduleError } from "../sync/schedule.ts";
import { ConfigRow, type ConfigRowModel } from "../views/config_row.tsx";
import { canSeeConfiguration, visibleConfiguration } from "./access.ts";
import { requireRole } from "./auth.ts";
import { testConfigAction } from "./config_actions.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

const idSchema = z.object({ id: z.coerce.number().int().positive() });

/** Returns true for the roles that may test connections, start syncs and cancel them. */
export function canOperate(user: User): boolean {
  return user.role === "admin" || user.role === "operator";
}

/**
 * Returns the next time the scheduler starts runs of a configuration, or null for `manual`.
 * A start that is due but not yet taken by the minute tick shows as the next one after `now`.
 */
function nextScheduledStart(
  config: ApiConfiguration,
  now: Date,
): { next: Date | null; problem?: string } {
  try {
    const schedule = parseSchedule(config.schedule);
    const since = new Date(config.lastScheduledAt ?? config.createdAt);
    const from = since.getTime() > now.getTime() ? since : now;
    return { next: nextScheduledTime(schedule, from) ?? null };
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    return { next: null, problem: `${error.message}: no run starts until it is fixed` };
  }
}

/** Builds the table row of a configuration from the active runs of all configurations. */
export function toConfigRowModel(
  config: ApiConfiguration,
  activeRuns: SyncProgress[],
  user: User,
  now = new Date(),
): ConfigRowModel {
  const schedule = nextScheduledStart(config, now);
  return {
    config,
    pulledEntities: pullEntities(config.feeds),
    activeRuns: activeRuns.filter((run) => run.apiConfigId === config.id),
    canOperate: canOperate(user),
    canEdit: user.role === "admin",
    nextScheduledAt: schedule.next,
    scheduleProblem: schedule.problem,
  };
}

/** Loads a configuration the user may see, or raises 404 naming its id. */
export async function loadConfigOr404(
  services: Services,
  user: User,
  id: number,
): Promise<ApiConfiguration> {
  return visibleConfiguration(user, await loadApiConfiguration(services.db, id), id);
}

/** Builds the rows of the connectivity table: the configurations the user may see, by name. */
export async function listConfigRows(services: Services, user: User): Promise<ConfigRowModel[]> {
  const configs = (await listApiConfigurations(services.db)).filter((config) =>
    canSeeConfiguration(user, config)
  );
  const activeRuns = await listActiveProgress(services);
  const now = new Date();
  return configs.map((config) => toConfigRowModel(config, activeRuns, user, now));
}

/** Lists the queued and running runs of every configuration as progress. */
export async function listActiveProgress(services: Services): Promise<SyncProgress[]> {
  return (await listActiveSyncRuns(services.db)).map((run) => toSyncProgress(run));
}

/** /admin/configs: the table row partial and the connection test of the admin page. */
export function adminConfigRoutes(services: Services) {
  return new Hono<AppEnv>()
    .get("/:id/row", validate("param", idSchema), async (c) => {
      const user = c.get("user");
      const config = await loadConfigOr404(services, user, c.req.valid("param").id);
      const model = toConfigRowModel(config, await listActiveProgress(services), user);
      return c.html(<ConfigRow model={model} />);
    })
    .post(
      "/:id/test",
      requireRole("admin", "operator"),
      validate("param", idSchema),
      async (c) => {
        const user = c.get("user");
        const { id } = c.req.valid("param");
        // Records config.test in the audit log, as POST /api/configs/:id/test does.
        const result = await testConfigAction(services, user, id);
        // Reloaded because the test stored its outcome as the configuration's status.
        const config = await loadConfigOr404(services, user, id);
        const model = toConfigRowModel(config, await listActiveProgress(services), user);
        return c.html(<ConfigRow model={{ ...model, connectionTest: result }} />);
      },
    );
}
