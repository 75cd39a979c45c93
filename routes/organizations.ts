import { Hono } from "hono";
import { z } from "zod";
import { ensureOrganizations, listOrganizations } from "../db/organizations.ts";
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
    .get("/", async (c) => c.json({ organizations: await listOrganizations(services.db) }))
    .post("/", requireRole("admin"), validate("json", organizationSchema), async (c) => {
      const organization = c.req.valid("json");
      await ensureOrganizations(services.db, [organization]);
      return c.json(organization, 201);
    });
}
