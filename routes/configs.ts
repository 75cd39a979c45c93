import { Hono } from "hono";
import { z } from "zod";
import { listApiConfigurations, loadApiConfiguration } from "../db/api_configurations.ts";
import { feedsSchema } from "../sync/feeds.ts";
import { scheduleProblem } from "../sync/schedule.ts";
import { canSeeConfiguration, visibleConfiguration } from "./access.ts";
import { requireRole } from "./auth.ts";
import {
  createConfigAction,
  deleteConfigAction,
  testConfigAction,
  updateConfigAction,
} from "./config_actions.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, { error: "expected an IANA time zone such as UTC or America/Chicago" });

const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http or https URL" });

const configFields = {
  name: z.string().trim().min(1).max(100),
  usage: z.string().trim().min(1).max(50),
  url: httpUrl,
  authType: z.enum(["none", "basic", "apiKey"]),
  username: z.string().min(1).max(200).nullable(),
  password: z.string().min(1).max(500).nullable(),
  apiKey: z.string().min(1).max(500).nullable(),
  customHeaders: z.record(
    z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: "expected a header name" }),
    z.string().max(500),
  ),
  operationType: z.enum(["read", "write", "read-write"]),
  feeds: feedsSchema.nullable(),
  organization: z.string().trim().regex(/^[A-Za-z0-9_*-]{1,30}$/, {
    error: "expected an EAM organization code such as RIO, or null for all organizations",
  }).transform((code) => code.toUpperCase()).nullable(),
  pageSize: z.number().int().min(1).max(10_000),
  timeZone,
  allowSchemaDrift: z.boolean(),
  incrementalOverlapSeconds: z.number().int().min(0).max(7 * 24 * 60 * 60),
  schedule: z.string().max(100).describe(
    "manual, hourly, daily@HH:MM, weekly@mon HH:MM or a 5-field cron expression, in UTC",
  ).superRefine((text, ctx) => {
    const problem = scheduleProblem(text);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }),
  scheduleOrganizations: z.array(
    z.string().regex(/^[A-Za-z0-9_*-]{1,30}$/, {
      error: "expected an EAM organization code such as RIO",
    }).transform((code) => code.toUpperCase()),
  ).min(1, { error: "list at least one organization, or set null for all" }).nullable(),
};

/** Body of POST /api/configs; exported for the OpenAPI document. */
export const createSchema = z.strictObject(configFields).partial().required({
  name: true,
  usage: true,
  url: true,
  authType: true,
});
/** Body of PATCH /api/configs/:id; exported for the OpenAPI document. */
export const updateSchema = z.strictObject(configFields).partial();
const idSchema = z.object({ id: z.coerce.number().int().positive() });
/** Body of POST /api/configs/:id/test; exported for the OpenAPI document. */
export const testSchema = z.strictObject({ organization: z.string().min(1).max(30).optional() });

/** /api/configs: API configurations with their sync statistics, never their credentials. */
export function configRoutes(services: Services) {
  const { db } = services;
  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const user = c.get("user");
      const configs = await listApiConfigurations(db);
      return c.json({ configs: configs.filter((config) => canSeeConfiguration(user, config)) });
    })
    .get("/:id", validate("param", idSchema), async (c) => {
      const { id } = c.req.valid("param");
      return c.json(visibleConfiguration(c.get("user"), await loadApiConfiguration(db, id), id));
    })
    .post("/", requireRole("admin"), validate("json", createSchema), async (c) => {
      const created = await createConfigAction(services, c.get("user"), c.req.valid("json"));
      return c.json(created, 201, { Location: `/api/configs/${created.id}` });
    })
    .patch(
      "/:id",
      requireRole("admin"),
      validate("param", idSchema),
      validate("json", updateSchema),
      async (c) => {
        const { id } = c.req.valid("param");
        return c.json(await updateConfigAction(services, c.get("user"), id, c.req.valid("json")));
      },
    )
    .delete("/:id", requireRole("admin"), validate("param", idSchema), async (c) => {
      await deleteConfigAction(services, c.get("user"), c.req.valid("param").id);
      return c.body(null, 204);
    })
    .post(
      "/:id/test",
      requireRole("admin", "operator"),
      validate("param", idSchema),
      validate("json", testSchema),
      async (c) => {
        const { id } = c.req.valid("param");
        const { organization } = c.req.valid("json");
        return c.json(await testConfigAction(services, c.get("user"), id, organization));
      },
    );
}
