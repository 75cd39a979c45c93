import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { loadApiConfiguration } from "../db/api_configurations.ts";
import { loadSyncRun } from "../db/sync_runs.ts";
import { HttpError } from "../lib/http_error.ts";
import { log } from "../lib/log.ts";
import { toSyncProgress } from "../sync/progress.ts";
import { ErrorMessage } from "../views/layout.tsx";
import {
  ProgressDetails,
  progressEvents,
  ProgressModal,
  ProgressOutcome,
  ProgressStatus,
} from "../views/progress_modal.tsx";
import type { AppEnv, Services } from "./context.ts";
import { followRunProgress } from "./progress_stream.ts";
import { validate } from "./validation.ts";

const syncIdSchema = z.object({ syncId: z.uuid({ error: "expected a sync id (UUID)" }) });

/**
 * /admin/syncs: the progress modal of a run and its HTML progress stream. The stream sends the
 * fragments of views/progress_modal.tsx as SSE events, for htmx-ext-sse to swap in. The JSON
 * stream of the REST API is separate and unchanged.
 */
export function adminSyncRoutes(services: Services) {
  const { db } = services;

  async function loadRunOr404(syncId: string) {
    const run = await loadSyncRun(db, syncId);
    if (!run) throw new HttpError(404, "not_found", `sync run ${syncId} not found`);
    return run;
  }

  return new Hono<AppEnv>()
    .get("/:syncId/progress", validate("param", syncIdSchema), async (c) => {
      const run = await loadRunOr404(c.req.valid("param").syncId);
      const config = await loadApiConfiguration(db, run.apiConfigurationId);
      const configName = config?.name ?? `configuration ${run.apiConfigurationId}`;
      return c.html(<ProgressModal progress={toSyncProgress(run)} configName={configName} />);
    })
    .get("/:syncId/stream", validate("param", syncIdSchema), async (c) => {
      const run = await loadRunOr404(c.req.valid("param").syncId);
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
              data: String(<ProgressOutcome progress={progress} />),
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
    });
}
