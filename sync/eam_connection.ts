import type { ApiConfiguration, ApiCredentials } from "../db/api_configurations.ts";
import type { EamConnection } from "./eam_client.ts";
import type { EntityDefinition } from "./entities.ts";
import type { GridQuery } from "./grid_request.ts";
import { organizationFilter } from "./grid_request.ts";
import { SyncFailure } from "./sync_errors.ts";

/** Custom headers that configure pems-sync itself and are not sent to EAM as they are. */
const reservedHeaders = new Set(["tenant", "gridname", "gridid", "gridcode", "organization"]);

/**
 * Builds the EAM connection of a configuration for one organization.
 * @throws {SyncFailure} when the configuration lacks the tenant or its credentials.
 */
export function eamConnection(
  config: ApiConfiguration,
  credentials: ApiCredentials,
  organization: string,
): EamConnection {
  const headers: Record<string, string> = {};
  let tenant: string | undefined;
  for (const [name, value] of Object.entries(config.customHeaders)) {
    if (name.toLowerCase() === "tenant") tenant = value;
    else if (!reservedHeaders.has(name.toLowerCase())) headers[name] = value;
  }
  if (!tenant) {
    throw new SyncFailure(
      `configuration "${config.name}" has no tenant: add a "tenant" custom header`,
    );
  }
  return { url: config.url, auth: eamAuth(config, credentials), tenant, organization, headers };
}

function eamAuth(config: ApiConfiguration, credentials: ApiCredentials): EamConnection["auth"] {
  if (config.authType === "none") return { type: "none" };
  if (!credentials.secret || (config.authType === "basic" && !credentials.username)) {
    throw new SyncFailure(
      `configuration "${config.name}" has no stored credentials for ${config.authType} auth: ` +
        "set them in the API configuration",
    );
  }
  if (config.authType === "apiKey") return { type: "apiKey", key: credentials.secret };
  return { type: "basic", username: credentials.username!, password: credentials.secret };
}

/** Builds the grid query of an entity for one organization, sorted by the key. */
export function gridQuery(
  config: ApiConfiguration,
  definition: EntityDefinition,
  organization: string,
): GridQuery {
  const header = (name: string) =>
    Object.entries(config.customHeaders).find(([key]) => key.toLowerCase() === name)?.[1];
  const gridId = Number(header("gridid") ?? definition.grid.id);
  return {
    grid: {
      name: header("gridname") ?? header("gridcode") ?? definition.grid.name,
      id: Number.isFinite(gridId) ? gridId : definition.grid.id,
    },
    filters: [organizationFilter(definition.organizationAlias, organization)],
    sort: { alias: definition.keyAlias, direction: "ASC" },
  };
}
