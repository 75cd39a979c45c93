import { loadApiConfiguration } from "../db/api_configurations.ts";
import { recordAudit } from "../db/audit_log.ts";
import type { SyncRun } from "../db/sync_runs.ts";
import { findUserById, type User } from "../db/users.ts";
import { HttpError } from "../lib/http_error.ts";
import { startSync, type SyncRequest } from "../sync/start_sync.ts";
import { SyncStartError } from "../sync/sync_errors.ts";
import { canReachOrganization, visibleConfiguration } from "./access.ts";
import type { Services } from "./context.ts";

/**
 * Starts a sync run for an HTTP request, the same way for the REST API and the admin pages.
 *
 * @throws {HttpError} 404 for an unknown configuration or organization, 400 for a configuration
 * without a pull feed for the entity, and 409 `sync_in_progress` with the active run's id in
 * `details.syncId` when the configuration and organization already have a queued or running run.
 */
export async function startSyncForRequest(
  services: Services,
  request: Omit<SyncRequest, "batchSize">,
): Promise<SyncRun> {
  const user = request.startedBy === null
    ? undefined
    : await findUserById(services.db, request.startedBy);
  if (user) await checkAccess(services, user, request);
  let started;
  try {
    started = await startSync(services.db, services.queue, {
      ...request,
      batchSize: services.syncBatchSize,
    });
  } catch (error) {
    if (!(error instanceof SyncStartError)) throw error;
    const notFound = error.kind === "not_found";
    throw new HttpError(
      notFound ? 404 : 400,
      notFound ? "not_found" : "invalid_request",
      error.message,
    );
  }
  if ("activeRunId" in started) {
    throw new HttpError(
      409,
      "sync_in_progress",
      "a sync of this configuration and organization is already running: follow it instead",
      { syncId: started.activeRunId },
    );
  }
  if (user) {
    await recordAudit(services.db, {
      user,
      action: "sync.start",
      targetType: "sync_run",
      targetId: started.run.id,
      organization: started.run.organization,
      details: {
        apiConfigId: request.apiConfigId,
        mode: started.run.mode,
        entity: started.run.entity,
      },
    });
  }
  return started.run;
}

/** Rejects with 404 an organization or configuration the user may not reach, as for unknown ones. */
async function checkAccess(
  services: Services,
  user: User,
  request: { apiConfigId: number; organization: string },
) {
  if (!canReachOrganization(user, request.organization)) {
    throw new HttpError(404, "not_found", `organization ${request.organization} not found`);
  }
  const config = await loadApiConfiguration(services.db, request.apiConfigId);
  visibleConfiguration(user, config, request.apiConfigId);
}
