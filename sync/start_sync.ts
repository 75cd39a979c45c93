import { loadApiConfiguration } from "../db/api_configurations.ts";
import type { Database } from "../db/database.ts";
import { organizationExists } from "../db/organizations.ts";
import { createSyncRun, type SyncMode, type SyncRun } from "../db/sync_runs.ts";
import type { EntityName } from "./entities.ts";
import { pullEntities } from "./feeds.ts";
import type { JobQueue } from "./job_queue.ts";
import { SyncStartError } from "./sync_errors.ts";

/** Rows per upsert transaction. */
export const defaultBatchSize = 1_000;

/** What a caller asks to sync. */
export interface SyncRequest {
  apiConfigId: number;
  organization: string;
  mode: SyncMode;
  /** Needed only when the configuration pulls several entities. */
  entity?: EntityName;
  startedBy: number | null;
  batchSize?: number;
}

/**
 * Creates a queued sync run and enqueues its first page; returns at once. When the
 * configuration and organization already have an active run, returns its id instead.
 *
 * @throws {SyncStartError} for an unknown configuration or organization, or a configuration
 * without a pull feed for the requested entity.
 */
export async function startSync(
  db: Database,
  queue: JobQueue,
  request: SyncRequest,
): Promise<{ run: SyncRun } | { activeRunId: string }> {
  const config = await loadApiConfiguration(db, request.apiConfigId);
  if (!config) {
    throw new SyncStartError("not_found", `API configuration ${request.apiConfigId} not found`);
  }
  if (!(await organizationExists(db, request.organization))) {
    throw new SyncStartError("not_found", `organization ${request.organization} not found`);
  }
  const pulled = pullEntities(config.feeds);
  if (pulled.length === 0) {
    throw new SyncStartError(
      "invalid",
      `configuration "${config.name}" has no pull feed: set feeds such as [{"entity":"pfa"}]`,
    );
  }
  const entity = request.entity ?? (pulled.length === 1 ? pulled[0] : undefined);
  if (!entity || !pulled.includes(entity)) {
    throw new SyncStartError(
      "invalid",
      `configuration "${config.name}" pulls ${pulled.join(", ")}: set entity to one of them`,
    );
  }
  // TODO: incremental sync by the grid's last-modified column; until then it reads every row.
  const notice = request.mode === "incremental"
    ? "incremental sync has no watermark yet, so this run reads all rows like a full sync"
    : undefined;
  const created = await createSyncRun(db, {
    id: crypto.randomUUID(),
    apiConfigurationId: config.id,
    organization: request.organization,
    entity,
    mode: request.mode,
    startedBy: request.startedBy,
    batchSize: request.batchSize ?? defaultBatchSize,
    pageSize: config.pageSize,
    notice,
  });
  if ("run" in created) await queue.enqueue({ runId: created.run.id, page: 0 });
  return created;
}
