import { Hono } from "hono";
import { z } from "zod";
import { type HistoryPosition, listSyncHistory } from "../db/sync_history.ts";
import { isUuid } from "../db/sync_runs.ts";
import { type SyncProgress, toSyncProgress } from "../sync/progress.ts";
import { organizationScope } from "./access.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

const positionTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Encodes a history position as an opaque cursor: base64url of `[createdAt, id]`. */
export function encodeHistoryCursor(position: HistoryPosition): string {
  const json = JSON.stringify([position.createdAt, position.id]);
  return btoa(json).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** Decodes a cursor made by {@linkcode encodeHistoryCursor}; undefined when it is not one. */
export function decodeHistoryCursor(cursor: string): HistoryPosition | undefined {
  try {
    const [createdAt, id] = JSON.parse(atob(cursor.replaceAll("-", "+").replaceAll("_", "/")));
    if (typeof createdAt !== "string" || !positionTime.test(createdAt)) return undefined;
    if (typeof id !== "string" || !isUuid(id)) return undefined;
    return { createdAt, id };
  } catch {
    return undefined;
  }
}

/** Query of GET /api/pems/sync; exported for the OpenAPI document. */
export const historyQuerySchema = z.strictObject({
  org: z.string().trim().regex(/^[A-Za-z0-9_*-]{1,30}$/, {
    error: "expected an EAM organization code such as RIO",
  }).optional(),
  config: z.coerce.number().int().positive({ error: "expected an API configuration id" })
    .optional(),
  status: z.enum(["queued", "running", "completed", "failed", "cancelled"]).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).refine((cursor) => decodeHistoryCursor(cursor) !== undefined, {
    error: "invalid cursor: pass the `next` value of the previous page unchanged",
  }).optional(),
});

/** A run of the history: its progress and the email of the user who started it. */
export type SyncHistoryItem = SyncProgress & { startedBy: string | null };

/** GET /api/pems/sync: the history of sync runs, newest first, a page at a time. */
export function syncHistoryRoutes(services: Services) {
  return new Hono<AppEnv>().get("/", validate("query", historyQuerySchema), async (c) => {
    const query = c.req.valid("query");
    const page = await listSyncHistory(services.db, {
      organization: query.org?.toUpperCase(),
      organizationScope: organizationScope(c.get("user")),
      apiConfigId: query.config,
      status: query.status,
      limit: query.limit,
      after: query.cursor === undefined ? undefined : decodeHistoryCursor(query.cursor),
    });
    const now = new Date();
    const runs: SyncHistoryItem[] = page.entries.map((entry) => ({
      ...toSyncProgress(entry.run, now),
      startedBy: entry.startedByEmail,
    }));
    return c.json({ runs, next: page.next ? encodeHistoryCursor(page.next) : null });
  });
}
