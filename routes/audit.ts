import { Hono } from "hono";
import { z } from "zod";
import { listAudit } from "../db/audit_log.ts";
import { requireRole } from "./auth.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

/** Query of GET /api/audit. */
export const auditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().positive().optional(),
});

/** GET /api/audit: who started, cancelled or changed what, newest first; admins only. */
export function auditRoutes(services: Services) {
  return new Hono<AppEnv>().get(
    "/",
    requireRole("admin"),
    validate("query", auditQuerySchema),
    async (c) => {
      const { limit, before } = c.req.valid("query");
      const entries = await listAudit(services.db, { limit, before });
      const next = entries.length === limit ? entries[entries.length - 1].id : null;
      return c.json({ entries, next });
    },
  );
}
