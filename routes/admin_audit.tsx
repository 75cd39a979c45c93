import { Hono } from "hono";
import { listAudit } from "../db/audit_log.ts";
import { AuditPage } from "../views/audit_page.tsx";
import { auditQuerySchema } from "./audit.ts";
import { requireRole } from "./auth.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

/** Entries per page of the audit log page. */
export const auditPageSize = 50;

// The `before` of GET /api/audit: the id of the last entry of the previous page.
const pageQuerySchema = auditQuerySchema.pick({ before: true });

/**
 * /admin/audit: the audit log for admins, newest first, with keyset paging by entry id. The
 * Older entries link appears only when an older entry exists.
 */
export function adminAuditRoutes(services: Services) {
  return new Hono<AppEnv>().get(
    "/",
    requireRole("admin"),
    validate("query", pageQuerySchema),
    async (c) => {
      const { before } = c.req.valid("query");
      // One entry more than the page shows, to learn whether an older page exists.
      const entries = await listAudit(services.db, { limit: auditPageSize + 1, before });
      const page = entries.slice(0, auditPageSize);
      const model = {
        user: c.get("user"),
        entries: page,
        olderBefore: entries.length > auditPageSize ? page[page.length - 1].id : null,
        isOlderPage: before !== undefined,
      };
      return c.html(<AuditPage model={model} />);
    },
  );
}
