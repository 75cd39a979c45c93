import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import { z } from "zod";
import { loadSyncRun } from "../db/sync_runs.ts";
import { log } from "../lib/log.ts";
import { toSyncProgress } from "../sync/progress.ts";
import { visibleRun } from "./access.ts";
import { requireRole } from "./auth.ts";
import type { User } from "../db/users.ts";
import type { AppEnv, Services } from "./context.ts";
import { followRunProgress } from "./progress_stream.ts";
import { startSyncForRequest } from "./sync_start.ts";
import { validate } from "./validation.ts";

/** Body of POST /api/pems/sync; exported for the OpenAPI document. */
export const startSchema = z.strictObject({
  apiConfigId: z.number().int().positive(),
  organization: z.string().trim().regex(/^[A-Za-z0-9_*-]{1,30}$/, {
    error: "expected an EAM organization code such as RIO",
  }),
  mode: z.enum(["full", "incremental"]).default("full"),
  entity: z.enum(["pfa", "asset_master", "classifications"]).optional(),
});

const syncIdSchema = z.object({ syncId: z.uuid({ error: "expected a sync id (UUID)" }) });

/** /api/pems/sync: start runs, read their progress, and stream it as Server-Sent Events. */
export function syncRoutes(services: Services) {
  const { db } = services;

  async function loadRunOr404(user: User, syncId: string) {
    return visibleRun(user, await loadSyncRun(db, syncId), syncId);
  }

  return new Hono<AppEnv>()
    .post("/", requireRole("admin", "operator"), validate("json", startSchema), async (c) => {
      const body = c.req.valid("json");
      const run = await startSyncForRequest(services, {
        ...body,
        organization: body.organization.toUpperCase(),
        startedBy: c.get("user").id,
      });
      return c.json({ syncId: run.id, status: run.status }, 202, {
        Location: `/api/pems/sync/${run.id}`,
      });
    })
    .get("/:syncId", validate("param", syncIdSchema), async (c) => {
      return c.json(toSyncProgress(await loadRunOr404(c.get("user"), c.req.valid("param").syncId)));
    })
    .get("/:syncId/events", validate("param", syncIdSchema), async (c) => {
      const run = await loadRunOr404(c.get("user"), c.req.valid("param").syncId);
      return streamSSE(c, async (stream) => {
        // `progress` events until the run ends, then the final state again as a `done` event.
        await followRunProgress(stream, services, toSyncProgress(run), async (progress, done) => {
          const data = JSON.stringify(progress);
          await stream.writeSSE({ event: "progress", data });
          if (done) await stream.writeSSE({ event: "done", data });
        });
      }, async (error, stream) => {
        log("error", "progress stream failed", { runId: run.id, error });
        await stream.writeSSE({
          event: "error",
          data: JSON.stringify({ message: "stream failed" }),
        });
      });
    });
}
