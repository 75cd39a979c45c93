import type { SyncRun } from "../db/sync_runs.ts";
import { HttpError } from "../lib/http_error.ts";
import { startSync, type SyncRequest } from "../sync/start_sync.ts";
import { SyncStartError } from "../sync/sync_errors.ts";
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
  return started.run;
}
