import type { z } from "zod";
import {
  type ApiConfiguration,
  type ApiConfigurationInput,
  createApiConfiguration,
  deleteApiConfiguration,
  loadApiConfiguration,
  updateApiConfiguration,
} from "../db/api_configurations.ts";
import { recordAudit } from "../db/audit_log.ts";
import { isUniqueViolation } from "../db/database.ts";
import { organizationExists } from "../db/organizations.ts";
import type { User } from "../db/users.ts";
import { HttpError } from "../lib/http_error.ts";
import { type ConnectionTestResult, testConnection } from "../sync/test_connection.ts";
import { visibleConfiguration } from "./access.ts";
import type { updateSchema } from "./configs.ts";
import type { Services } from "./context.ts";

/**
 * A parsed body of POST or PATCH /api/configs, or of the connectivity page's configuration form.
 * The create schema has the same fields, with some of them required.
 */
export type ConfigBody = z.infer<typeof updateSchema>;

function toInput(body: ConfigBody): ApiConfigurationInput {
  const { password, apiKey, ...rest } = body;
  if (password !== undefined && apiKey !== undefined) {
    throw new HttpError(400, "invalid_request", "set either password or apiKey, not both");
  }
  return { ...rest, secret: password !== undefined ? password : apiKey };
}

async function checkedInput(services: Services, body: ConfigBody): Promise<ApiConfigurationInput> {
  const input = toInput(body);
  if (input.organization && !(await organizationExists(services.db, input.organization))) {
    throw new HttpError(
      400,
      "invalid_request",
      `organization ${input.organization} not found: add it first with POST /api/organizations`,
    );
  }
  return input;
}

async function loadVisible(services: Services, user: User, id: number) {
  return visibleConfiguration(user, await loadApiConfiguration(services.db, id), id);
}

/** Names of the fields a request set. Credentials appear by name only, never by value. */
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

/**
 * Creates a configuration and records `config.create`, for the REST API and the admin page.
 * `body` must have passed the create schema of routes/configs.ts.
 *
 * @throws {HttpError} 400 for an unknown organization or both password and apiKey, 409 for a
 * duplicate name.
 */
export async function createConfigAction(
  services: Services,
  user: User,
  body: ConfigBody,
): Promise<ApiConfiguration> {
  const input = await checkedInput(services, body);
  const created = await uniqueName(
    input.name,
    () => createApiConfiguration(services.db, services.cipher, input),
  );
  await audit(services, user, "config.create", created, changedFields(input));
  return created;
}

/**
 * Changes the fields `body` sets and records `config.update` with their names.
 *
 * @throws {HttpError} 404 for a configuration the user may not see, 400 and 409 as
 * {@linkcode createConfigAction}.
 */
export async function updateConfigAction(
  services: Services,
  user: User,
  id: number,
  body: ConfigBody,
): Promise<ApiConfiguration> {
  await loadVisible(services, user, id);
  const input = await checkedInput(services, body);
  const updated = await uniqueName(
    input.name,
    () => updateApiConfiguration(services.db, services.cipher, id, input),
  );
  if (!updated) throw new HttpError(404, "not_found", `API configuration ${id} not found`);
  await audit(services, user, "config.update", updated, changedFields(input));
  return updated;
}

/**
 * Deletes a configuration with its run history and records `config.delete`. Returns the deleted
 * configuration.
 *
 * @throws {HttpError} 404 for a configuration the user may not see, 409 while a run of it is
 * queued or running.
 */
export async function deleteConfigAction(
  services: Services,
  user: User,
  id: number,
): Promise<ApiConfiguration> {
  const config = await loadVisible(services, user, id);
  const active = await services.db.query(
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
  await deleteApiConfiguration(services.db, id);
  await audit(services, user, "config.delete", config, {});
  return config;
}

/**
 * Sends one request to EAM with a configuration, which stores the outcome as its status, and
 * records `config.test`.
 *
 * @throws {HttpError} 404 for a configuration the user may not see.
 */
export async function testConfigAction(
  services: Services,
  user: User,
  id: number,
  organization?: string,
): Promise<ConnectionTestResult> {
  const config = await loadVisible(services, user, id);
  const result = await testConnection(services.db, services.cipher, config, {
    organization,
    fetch: services.fetch,
  });
  await audit(services, user, "config.test", config, { ok: result.ok });
  return result;
}
