import { Hono } from "hono";
import { z } from "zod";
import { ensureOrganizations, listOrganizations } from "../db/organizations.ts";
import { recordAudit } from "../db/audit_log.ts";
import { canReachOrganization } from "./access.ts";
import { requireRole } from "./auth.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

/** Body of POST /api/organizations; exported for the OpenAPI document. */
export const organizationSchema = z.strictObject({
  code: z.string().trim().regex(/^[A-Za-z0-9_*-]{1,30}$/, {
    error: "expected an EAM organization code such as RIO",
  }).transform((code) => code.toUpperCase()),
  name: z.string().trim().min(1).max(200),
});

/** /api/organizations: the EAM organizations syncs can target. */
export function organizationRoutes(services: Services) {
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const user = c.get("user");
      const organizations = await listOrganizations(services.db);
      return c.json({
        organizations: organizations.filter((org) => canReachOrganization(user, org.code)),
      });
    })
    .post("/", requireRole("admin"), validate("json", organizationSchema), async (c) => {
      const organization = c.req.valid("json");
      await ensureOrganizations(services.db, [organization]);
      await recordAudit(services.db, {
        user: c.get("user"),
        action: "organization.create",
        targetType: "organization",
        targetId: organization.code,
        organization: organization.code,
      });
      return c.json(organization, 201);
    });
}
