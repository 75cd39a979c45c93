import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { loadApiConfiguration } from "../db/api_configurations.ts";
import { loadSyncRun, type SyncRun, terminalStatuses } from "../db/sync_runs.ts";
import type { User } from "../db/users.ts";
import { log } from "../lib/log.ts";
import { toSyncProgress } from "../sync/progress.ts";
import { ErrorMessage } from "../views/layout.tsx";
import {
  CancelRequested,
  ProgressDetails,
  progressEvents,
  ProgressModal,
  ProgressOutcome,
  ProgressStatus,
} from "../views/progress_modal.tsx";
import { runStatusLabel } from "../views/run_status.tsx";
import { visibleRun } from "./access.ts";
import { canOperate } from "./admin_configs.tsx";
import { requireRole } from "./auth.ts";
import { cancelRunForUser } from "./sync_cancel.ts";
import type { AppEnv, Services } from "./context.ts";
import { followRunProgress } from "./progress_stream.ts";
import { validate } from "./validation.ts";

/** Path parameter of the /admin/syncs/:syncId routes. */
export const syncIdSchema = z.object({ syncId: z.uuid({ error: "expected a sync id (UUID)" }) });

const streamQuerySchema = z.object({
  refreshRow: z.enum(["true", "false"]).default("true"),
});

function AlreadyEnded(props: { run: SyncRun }) {
  return (
    <p class="alert alert-info" role="status">
      The sync had already ended: {runStatusLabel(props.run.status).toLowerCase()}.
    </p>
  );
}

/**
 * /admin/syncs: the progress modal of a run, its HTML progress stream and its Cancel button. The
 * stream sends the fragments of views/progress_modal.tsx as SSE events, for htmx-ext-sse to swap
 * in. The JSON stream of the REST API is separate and unchanged.
 */
export function adminSyncRoutes(services: Services) {
  const { db } = services;

  async function loadVisibleRun(user: User, syncId: string) {
    return visibleRun(user, await loadSyncRun(db, syncId), syncId);
  }

  return new Hono<AppEnv>()
    .get("/:syncId/progress", validate("param", syncIdSchema), async (c) => {
      const user = c.get("user");
      const run = await loadVisibleRun(user, c.req.valid("param").syncId);
      const config = await loadApiConfiguration(db, run.apiConfigurationId);
      const configName = config?.name ?? `configuration ${run.apiConfigurationId}`;
      return c.html(
        <ProgressModal
          progress={toSyncProgress(run)}
          configName={configName}
          canCancel={canOperate(user)}
        />,
      );
    })
    .get(
      "/:syncId/stream",
      validate("param", syncIdSchema),
      validate("query", streamQuerySchema),
      async (c) => {
        const run = await loadVisibleRun(c.get("user"), c.req.valid("param").syncId);
        const refreshRow = c.req.valid("query").refreshRow === "true";
        return streamSSE(c, async (stream) => {
          await followRunProgress(stream, services, toSyncProgress(run), async (progress, done) => {
            await stream.writeSSE({
              event: progressEvents.status,
              data: String(<ProgressStatus progress={progress} />),
            });
            await stream.writeSSE({
              event: progressEvents.details,
              data: String(<ProgressDetails progress={progress} />),
            });
            if (done) {
              await stream.writeSSE({
                event: progressEvents.done,
                data: String(<ProgressOutcome progress={progress} refreshRow={refreshRow} />),
              });
            }
          });
        }, async (error, stream) => {
          log("error", "progress page stream failed", { runId: run.id, error });
          // `done` makes htmx-ext-sse close the connection instead of reconnecting in a loop.
          const message = "progress updates stopped: close this window and open the progress again";
          await stream.writeSSE({
            event: progressEvents.done,
            data: String(<ErrorMessage message={message} />),
          });
        });
      },
    )
    .post(
      "/:syncId/cancel",
      requireRole("admin", "operator"),
      validate("param", syncIdSchema),
      async (c) => {
        const { before, run } = await cancelRunForUser(
          services,
          c.get("user"),
          c.req.valid("param").syncId,
        );
        if (
          terminalStatuses.has(before.status) || run.status === "completed" ||
          run.status === "failed"
        ) {
          return c.html(<AlreadyEnded run={run} />);
        }
        return c.html(<CancelRequested />);
      },
    );
}
