import { Hono } from "hono";
import { z } from "zod";
import {
  type ApiConfigurationInput,
  createApiConfiguration,
  listApiConfigurations,
  loadApiConfiguration,
  updateApiConfiguration,
} from "../db/api_configurations.ts";
import { HttpError } from "../lib/http_error.ts";
import { feedsSchema } from "../sync/feeds.ts";
import { scheduleProblem } from "../sync/schedule.ts";
import { testConnection } from "../sync/test_connection.ts";
import { requireRole } from "./auth.ts";
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

type ConfigBody = z.infer<typeof updateSchema>;

function toInput(body: ConfigBody): ApiConfigurationInput {
  const { password, apiKey, ...rest } = body;
  if (password !== undefined && apiKey !== undefined) {
    throw new HttpError(400, "invalid_request", "set either password or apiKey, not both");
  }
  return { ...rest, secret: password !== undefined ? password : apiKey };
}

/** /api/configs: API configurations with their sync statistics, never their credentials. */
export function configRoutes(services: Services) {
  const { db, cipher } = services;
  const notFound = (id: number) =>
    new HttpError(404, "not_found", `API configuration ${id} not found`);

  return new Hono<AppEnv>()
    .get("/", async (c) => c.json({ configs: await listApiConfigurations(db) }))
    .get("/:id", validate("param", idSchema), async (c) => {
      const { id } = c.req.valid("param");
      const config = await loadApiConfiguration(db, id);
      if (!config) throw notFound(id);
      return c.json(config);
    })
    .post("/", requireRole("admin"), validate("json", createSchema), async (c) => {
      const created = await createApiConfiguration(db, cipher, toInput(c.req.valid("json")));
      return c.json(created, 201, { Location: `/api/configs/${created.id}` });
    })
    .patch(
      "/:id",
      requireRole("admin"),
      validate("param", idSchema),
      validate("json", updateSchema),
      async (c) => {
        const { id } = c.req.valid("param");
        const updated = await updateApiConfiguration(db, cipher, id, toInput(c.req.valid("json")));
        if (!updated) throw notFound(id);
        return c.json(updated);
      },
    )
    .post(
      "/:id/test",
      requireRole("admin", "operator"),
      validate("param", idSchema),
      validate("json", testSchema),
      async (c) => {
        const { id } = c.req.valid("param");
        const config = await loadApiConfiguration(db, id);
        if (!config) throw notFound(id);
        const result = await testConnection(db, cipher, config, {
          organization: c.req.valid("json").organization,
          fetch: services.fetch,
        });
        return c.json(result);
      },
    );
}
