import type { ApiConfiguration } from "../db/api_configurations.ts";
import type { SyncRun } from "../db/sync_runs.ts";
import type { User } from "../db/users.ts";
import { HttpError } from "../lib/http_error.ts";

/** Returns true when the user may see and act on data of the organization (admins: all). */
export function canReachOrganization(user: User, organization: string): boolean {
  return user.role === "admin" || user.organizations.includes(organization);
}

/** Organizations a user is limited to, or undefined for an admin, who reaches all of them. */
export function organizationScope(user: User): string[] | undefined {
  return user.role === "admin" ? undefined : user.organizations;
}

/** Returns true when the user may see the configuration: shared, or of one of its organizations. */
export function canSeeConfiguration(user: User, config: ApiConfiguration): boolean {
  return config.organization === null || canReachOrganization(user, config.organization);
}

/**
 * Returns the configuration when the user may see it.
 * @throws {HttpError} 404, the same as for an unknown id, so other organizations' ids stay hidden.
 */
export function visibleConfiguration(
  user: User,
  config: ApiConfiguration | undefined,
  id: number,
): ApiConfiguration {
  if (!config || !canSeeConfiguration(user, config)) {
    throw new HttpError(404, "not_found", `API configuration ${id} not found`);
  }
  return config;
}

/**
 * Returns the run when the user may see it.
 * @throws {HttpError} 404, the same as for an unknown id.
 */
export function visibleRun(user: User, run: SyncRun | undefined, id: string): SyncRun {
  if (!run || !canReachOrganization(user, run.organization)) {
    throw new HttpError(404, "not_found", `sync run ${id} not found`);
  }
  return run;
}
