import { type Context, Hono } from "hono";
import { z } from "zod";
import type { ApiConfiguration } from "../db/api_configurations.ts";
import type { User } from "../db/users.ts";
import { listOrganizations } from "../db/organizations.ts";
import { loadSyncRun } from "../db/sync_runs.ts";
import { HttpError } from "../lib/http_error.ts";
import { pullEntities } from "../sync/feeds.ts";
import { toSyncProgress } from "../sync/progress.ts";
import { ProgressModal } from "../views/progress_modal.tsx";
import { SyncDialog, type SyncDialogModel } from "../views/sync_dialog.tsx";
import { canReachOrganization } from "./access.ts";
import { listActiveProgress, loadConfigOr404 } from "./admin_configs.tsx";
import { requireRole } from "./auth.ts";
import type { AppEnv, Services } from "./context.ts";
import { startSyncForRequest } from "./sync_start.ts";
import { validate } from "./validation.ts";

const idSchema = z.object({ id: z.coerce.number().int().positive() });

const startFormSchema = z.object({
  organization: z.string().trim().regex(/^[A-Za-z0-9_*-]{1,30}$/, {
    error: "choose an organization from the list",
  }),
  mode: z.enum(["full", "incremental"], { error: "choose full or incremental" }),
  entity: z.enum(["pfa", "asset_master", "classifications"]).optional(),
});

type FormValues = NonNullable<SyncDialogModel["values"]>;

async function readFormValues(c: Context): Promise<FormValues> {
  const form = await c.req.parseBody();
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  return {
    organization: text(form.organization),
    mode: text(form.mode),
    entity: text(form.entity),
  };
}

/**
 * /admin/configs/:id/sync-dialog and /admin/configs/:id/syncs: the Sync Data dialog and its
 * submission, which starts a run like POST /api/pems/sync and responds with the progress modal.
 */
export function syncDialogRoutes(services: Services) {
  async function loadDialogModel(config: ApiConfiguration, user: User): Promise<SyncDialogModel> {
    const organizations = (await listOrganizations(services.db)).filter((organization) =>
      canReachOrganization(user, organization.code)
    );
    const active = await listActiveProgress(services);
    return {
      config,
      organizations,
      pulledEntities: pullEntities(config.feeds),
      activeRuns: active.filter((run) => run.apiConfigId === config.id),
    };
  }

  // Shows the dialog again with the reason the start failed, or the run that is in the way (409).
  async function renderStartFailure(
    c: Context<AppEnv>,
    config: ApiConfiguration,
    values: FormValues,
    error: HttpError,
  ): Promise<Response> {
    const model: SyncDialogModel = { ...await loadDialogModel(config, c.get("user")), values };
    const activeRunId = (error.details as { syncId?: string } | undefined)?.syncId;
    const active = activeRunId ? await loadSyncRun(services.db, activeRunId) : undefined;
    if (error.status === 409 && active) {
      model.conflict = toSyncProgress(active);
    } else if (error.status === 409) {
      model.error = `the running sync of ${values.organization} ended just now: start again`;
    } else {
      model.error = error.message;
    }
    return c.html(<SyncDialog model={model} />, error.status as 400);
  }

  // Per route, not with use(): this app shares the /admin/configs prefix with the row routes.
  const operators = requireRole("admin", "operator");
  return new Hono<AppEnv>()
    .get("/:id/sync-dialog", operators, validate("param", idSchema), async (c) => {
      const user = c.get("user");
      const config = await loadConfigOr404(services, user, c.req.valid("param").id);
      const model = await loadDialogModel(config, user);
      if (model.pulledEntities.length === 0) {
        const message = `configuration "${config.name}" has no pull feed, so it cannot sync`;
        throw new HttpError(400, "invalid_request", message);
      }
      return c.html(<SyncDialog model={model} />);
    })
    .post("/:id/syncs", operators, validate("param", idSchema), async (c) => {
      const user = c.get("user");
      const config = await loadConfigOr404(services, user, c.req.valid("param").id);
      const values = await readFormValues(c);
      const parsed = startFormSchema.safeParse(values);
      if (!parsed.success) {
        const error = parsed.error.issues.map((issue) => issue.message).join("; ");
        const model = { ...await loadDialogModel(config, user), values, error };
        return c.html(<SyncDialog model={model} />, 400);
      }
      try {
        const run = await startSyncForRequest(services, {
          ...parsed.data,
          apiConfigId: config.id,
          organization: parsed.data.organization.toUpperCase(),
          startedBy: user.id,
        });
        const progress = toSyncProgress(run);
        return c.html(<ProgressModal progress={progress} configName={config.name} canCancel />);
      } catch (error) {
        if (!(error instanceof HttpError) || ![400, 404, 409].includes(error.status)) throw error;
        return await renderStartFailure(c, config, values, error);
      }
    });
}
