import { Hono } from "hono";
import { type SSEStreamingApi, streamSSE } from "hono/streaming";
import { z } from "zod";
import { loadSyncRun, terminalStatuses } from "../db/sync_runs.ts";
import { log } from "../lib/log.ts";
import { type SyncProgress, toSyncProgress, watchProgress } from "../sync/progress.ts";
import { visibleRun } from "./access.ts";
import { requireRole } from "./auth.ts";
import type { User } from "../db/users.ts";
import type { AppEnv, Services } from "./context.ts";
import { startSyncForRequest } from "./sync_start.ts";
import { validate } from "./validation.ts";

const heartbeatMs = 15_000;

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
        await streamProgress(stream, services, toSyncProgress(run));
      }, async (error, stream) => {
        log("error", "progress stream failed", { runId: run.id, error });
        await stream.writeSSE({
          event: "error",
          data: JSON.stringify({ message: "stream failed" }),
        });
      });
    });
}

/**
 * Sends `progress` events until the run ends, then the final state as a `done` event. A comment
 * line every 15 s keeps proxies from closing an idle stream.
 */
async function streamProgress(stream: SSEStreamingApi, services: Services, first: SyncProgress) {
  const abort = new AbortController();
  stream.onAbort(() => abort.abort());
  const onShutdown = () => abort.abort();
  services.shutdown.addEventListener("abort", onShutdown, { once: true });
  const heartbeat = setInterval(() => {
    stream.write(": heartbeat\n\n").catch(() => abort.abort());
  }, heartbeatMs);

  let lastSent = "";
  const send = async (progress: SyncProgress) => {
    const data = JSON.stringify(progress);
    if (data === lastSent) return false;
    lastSent = data;
    const done = terminalStatuses.has(progress.status);
    await stream.writeSSE({ event: "progress", data });
    if (done) await stream.writeSSE({ event: "done", data });
    return done;
  };

  try {
    if (await send(first)) return;
    for await (const progress of watchProgress(services.kv, first.syncId, abort.signal)) {
      if (progress && await send(progress)) return;
    }
  } finally {
    clearInterval(heartbeat);
    services.shutdown.removeEventListener("abort", onShutdown);
  }
}
