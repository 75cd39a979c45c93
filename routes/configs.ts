import { Hono } from "hono";
import { z } from "zod";
import {
  type ApiConfiguration,
  type ApiConfigurationInput,
  createApiConfiguration,
  deleteApiConfiguration,
  listApiConfigurations,
  loadApiConfiguration,
  updateApiConfiguration,
} from "../db/api_configurations.ts";
import { recordAudit } from "../db/audit_log.ts";
import { isUniqueViolation } from "../db/database.ts";
import { organizationExists } from "../db/organizations.ts";
import type { User } from "../db/users.ts";
import { HttpError } from "../lib/http_error.ts";
import { feedsSchema } from "../sync/feeds.ts";
import { scheduleProblem } from "../sync/schedule.ts";
import { testConnection } from "../sync/test_connection.ts";
import { canSeeConfiguration, visibleConfiguration } from "./access.ts";
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

  async function checkedInput(body: ConfigBody): Promise<ApiConfigurationInput> {
    const input = toInput(body);
    if (input.organization && !(await organizationExists(db, input.organization))) {
      throw new HttpError(
        400,
        "invalid_request",
        `organization ${input.organization} not found: add it first with POST /api/organizations`,
      );
    }
    return input;
  }

  async function loadVisible(user: User, id: number) {
    return visibleConfiguration(user, await loadApiConfiguration(db, id), id);
  }

  return new Hono<AppEnv>()
    .get("/", async (c) => {
      const user = c.get("user");
      const configs = await listApiConfigurations(db);
      return c.json({ configs: configs.filter((config) => canSeeConfiguration(user, config)) });
    })
    .get("/:id", validate("param", idSchema), async (c) => {
      return c.json(await loadVisible(c.get("user"), c.req.valid("param").id));
    })
    .post("/", requireRole("admin"), validate("json", createSchema), async (c) => {
      const input = await checkedInput(c.req.valid("json"));
      const created = await uniqueName(input.name, () => createApiConfiguration(db, cipher, input));
      await audit(services, c.get("user"), "config.create", created, changedFields(input));
      return c.json(created, 201, { Location: `/api/configs/${created.id}` });
    })
    .patch(
      "/:id",
      requireRole("admin"),
      validate("param", idSchema),
      validate("json", updateSchema),
      async (c) => {
        const { id } = c.req.valid("param");
        await loadVisible(c.get("user"), id);
        const input = await checkedInput(c.req.valid("json"));
        const updated = await uniqueName(
          input.name,
          () => updateApiConfiguration(db, cipher, id, input),
        );
        if (!updated) throw new HttpError(404, "not_found", `API configuration ${id} not found`);
        await audit(services, c.get("user"), "config.update", updated, changedFields(input));
        return c.json(updated);
      },
    )
    .delete("/:id", requireRole("admin"), validate("param", idSchema), async (c) => {
      const { id } = c.req.valid("param");
      const config = await loadVisible(c.get("user"), id);
      const active = await db.query(
        "select 1 from sync_runs where api_configuration_id = $1 and status in ('queued', 'running')",
        [id],
      );
      if (active.length > 0) {
        throw new HttpError(
          409,
          "sync_in_progress",
          "cancel the configuration's active runs first",
        );
      }
      await deleteApiConfiguration(db, id);
      await audit(services, c.get("user"), "config.delete", config, {});
      return c.body(null, 204);
    })
    .post(
      "/:id/test",
      requireRole("admin", "operator"),
      validate("param", idSchema),
      validate("json", testSchema),
      async (c) => {
        const config = await loadVisible(c.get("user"), c.req.valid("param").id);
        const result = await testConnection(db, cipher, config, {
          organization: c.req.valid("json").organization,
          fetch: services.fetch,
        });
        await audit(services, c.get("user"), "config.test", config, { ok: result.ok });
        return c.json(result);
      },
    );
}

/** Names of the fields a request set, with credentials reduced to "changed". */
function changedFields(input: ApiConfigurationInput): Record<string, unknown> {
  const fields = Object.keys(input).filter((key) => input[key as keyof typeof input] !== undefined);
  return { fields };
}

function audit(
  services: Services,
  user: User,
  action: string,
  config: ApiConfiguration,
  details: Record<string, unknown>,
) {
  return recordAudit(services.db, {
    user,
    action,
    targetType: "api_configuration",
    targetId: config.id,
    organization: config.organization,
    details: { name: config.name, ...details },
  });
}

/** Runs a write and turns a duplicate name into 409. */
async function uniqueName<T>(name: string | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw new HttpError(409, "conflict", `an API configuration named "${name}" already exists`);
  }
}
