import { Hono } from "hono";
import { z } from "zod";
import { listRecords } from "../db/record_listing.ts";
import { HttpError } from "../lib/http_error.ts";
import { entities, type EntityName } from "../sync/entities.ts";
import { canReachOrganization } from "./access.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

const entityParam = z.object({
  entity: z.enum(Object.keys(entities) as [EntityName, ...EntityName[]], {
    error: "expected pfa, asset_master or classifications",
  }),
});

/** Query of GET /api/data/:entity. */
export const dataQuerySchema = z.strictObject({
  org: z.string().trim().regex(/^[A-Za-z0-9_*-]{1,30}$/, {
    error: "expected an EAM organization code such as RIO",
  }).transform((code) => code.toUpperCase()),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after: z.string().min(1).max(200).optional(),
  deleted: z.enum(["true", "false"]).default("false"),
});

/** GET /api/data/:entity: synced rows of one organization, by key, a page at a time. */
export function dataRoutes(services: Services) {
  return new Hono<AppEnv>().get(
    "/:entity",
    validate("param", entityParam),
    validate("query", dataQuerySchema),
    async (c) => {
      const { entity } = c.req.valid("param");
      const { org, limit, after, deleted } = c.req.valid("query");
      if (!canReachOrganization(c.get("user"), org)) {
        throw new HttpError(404, "not_found", `organization ${org} not found`);
      }
      const definition = entities[entity];
      const rows = await listRecords(services.db, definition, org, {
        limit,
        after,
        includeDeleted: deleted === "true",
      });
      const last = rows.at(-1);
      const next = rows.length === limit && last ? String(last[definition.keyColumn]) : null;
      return c.json({ rows, next });
    },
  );
}
