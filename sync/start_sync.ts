import { type ApiConfiguration, loadApiConfiguration } from "../db/api_configurations.ts";
import type { Database } from "../db/database.ts";
import { organizationExists } from "../db/organizations.ts";
import { createSyncRun, lastCompletedRun, type SyncMode, type SyncRun } from "../db/sync_runs.ts";
import type { EntityName } from "./entities.ts";
import { pullEntities } from "./feeds.ts";
import type { JobQueue } from "./job_queue.ts";
import { SyncStartError } from "./sync_errors.ts";

/** Rows per upsert transaction. */
export const defaultBatchSize = 1_000;

/** A request to sync one configuration and organization. */
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
    throw new SyncStartError(
      "not_found",
      `organization ${request.organization} not found: an admin adds it with POST /api/organizations`,
    );
  }

  const pulled = pullEntities(config.feeds);
  if (pulled.length === 0) {
    throw new SyncStartError(
      "invalid",
      `configuration "${config.name}" has no pull feed: set its feeds to the entity it reads, ` +
        `such as [{"entity":"pfa"}], [{"entity":"asset_master"}] or [{"entity":"classifications"}]`,
    );
  }
  const entity = request.entity ?? (pulled.length === 1 ? pulled[0] : undefined);
  if (!entity || !pulled.includes(entity)) {
    throw new SyncStartError(
      "invalid",
      `configuration "${config.name}" pulls ${pulled.join(", ")}: set entity to one of them`,
    );
  }

  const { mode, watermark, notice } = await chooseMode(db, config, request, entity);
  const created = await createSyncRun(db, {
    id: crypto.randomUUID(),
    apiConfigurationId: config.id,
    organization: request.organization,
    entity,
    mode,
    watermark,
    startedBy: request.startedBy,
    batchSize: request.batchSize ?? defaultBatchSize,
    pageSize: config.pageSize,
    notice,
  });
  if ("run" in created) await queue.enqueue({ runId: created.run.id, page: 0 });
  return created;
}

/**
 * Returns the mode and watermark of a new run. An incremental run starts at the previous
 * successful run's greatest last-modified value minus the configuration's overlap, and runs as a
 * full sync, with a notice saying so, when there is no such value.
 */
async function chooseMode(
  db: Database,
  config: ApiConfiguration,
  request: SyncRequest,
  entity: EntityName,
): Promise<{ mode: SyncMode; watermark: Date | null; notice?: string }> {
  if (request.mode !== "incremental") return { mode: request.mode, watermark: null };
  const last = await lastCompletedRun(db, config.id, request.organization, entity);
  if (!last?.maxLastModified) {
    return {
      mode: "full",
      watermark: null,
      notice: "no earlier successful run with a last-modified value: running a full sync instead",
    };
  }
  // The overlap re-reads rows changed while the previous run was reading.
  const overlapMs = config.incrementalOverlapSeconds * 1000;
  return {
    mode: "incremental",
    watermark: new Date(new Date(last.maxLastModified).getTime() - overlapMs),
  };
}
