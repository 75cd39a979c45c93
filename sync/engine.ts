import { loadApiConfiguration, loadApiCredentials } from "../db/api_configurations.ts";
import type { ApiConfiguration } from "../db/api_configurations.ts";
import type { Database } from "../db/database.ts";
import { quarantineRows, upsertBatch } from "../db/records.ts";
import {
  advanceSyncRun,
  completeSyncRun,
  failSyncRun,
  loadSyncRun,
  startSyncRun,
  type SyncRun,
  terminalStatuses,
} from "../db/sync_runs.ts";
import type { CredentialsCipher } from "../lib/credentials_cipher.ts";
import { log } from "../lib/log.ts";
import { createEamClient, type EamClient, type GridField, type GridRow } from "./eam_client.ts";
import { eamConnection, gridQuery } from "./eam_connection.ts";
import { EamError } from "./eam_error.ts";
import { entities, type EntityDefinition, isEntityName } from "./entities.ts";
import type { GridQuery } from "./grid_request.ts";
import type { JobQueue, SyncJob } from "./job_queue.ts";
import { publishProgress } from "./progress.ts";
import { mapRows } from "./row_mapper.ts";
import { SyncFailure } from "./sync_errors.ts";

/** What the engine needs to run syncs. */
export interface SyncEngineOptions {
  db: Database;
  kv: Deno.Kv;
  queue: JobQueue;
  cipher: CredentialsCipher;
  /** The fetch used for EAM requests. Default: the global fetch. */
  fetch?: typeof fetch;
}

/** Processes sync jobs: one EAM page per job, committed in batches with the run's checkpoint. */
export interface SyncEngine {
  processJob(job: SyncJob): Promise<void>;
  /** Publishes a run's state to KV so that SSE streams see it. Errors are logged, not thrown. */
  publish(run: SyncRun): Promise<void>;
}

/** Creates the sync engine. */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, kv, queue, cipher } = options;
  // FIELDS maps per configuration and grid; an edited configuration gets a new entry.
  const fieldCache = new Map<string, GridField[]>();

  async function publish(run: SyncRun): Promise<void> {
    try {
      await publishProgress(kv, run);
    } catch (error) {
      log("warn", "progress not published", { runId: run.id, error });
    }
  }

  async function fieldsFor(config: ApiConfiguration, query: GridQuery, client: EamClient) {
    const key = `${config.id}:${config.updatedAt.valueOf()}:${query.grid.name}`;
    let fields = fieldCache.get(key);
    if (!fields) {
      fields = await client.fetchFields(query);
      fieldCache.set(key, fields);
    }
    return fields;
  }

  async function processPage(run: SyncRun, job: SyncJob): Promise<void> {
    const config = await loadApiConfiguration(db, run.apiConfigurationId);
    if (!config) throw new SyncFailure("the API configuration of this run was deleted");
    if (!isEntityName(run.entity)) throw new SyncFailure(`unknown entity "${run.entity}"`);
    const definition = entities[run.entity];
    const credentials = await loadApiCredentials(db, cipher, config.id);
    const client = createEamClient(eamConnection(config, credentials, run.organization), {
      fetch: options.fetch,
      onRetry: (info) =>
        log("warn", "EAM request retried", { runId: run.id, page: job.page, ...info }),
    });
    const query = gridQuery(config, definition, run.organization);
    const fields = await fieldsFor(config, query, client);

    let current = run;
    if (run.status === "queued" || run.totalRecords === null) {
      const total = await client.count(query);
      const started = await startSyncRun(db, run.id, total);
      if (!started) return;
      current = started;
      await publish(current);
    }

    const started = performance.now();
    const page = await client.fetchPage(query, current.cursorPosition, current.pageSize, fields);
    if (page.rows.length === 0 && page.moreRecords) {
      throw new SyncFailure(
        `EAM announced more records but returned none at cursor position ${current.cursorPosition}`,
      );
    }
    const committed = await commitPage(
      current,
      definition,
      config.timeZone,
      page.rows,
      page.moreRecords,
    );
    log("info", "page synced", {
      runId: run.id,
      organization: run.organization,
      page: job.page,
      rows: page.rows.length,
      durationMs: Math.round(performance.now() - started),
      committed,
    });
    if (committed && page.moreRecords) await queue.enqueue({ runId: run.id, page: job.page + 1 });
  }

  /**
   * Writes a page in batches. Each batch transaction locks the run and checks its cursor
   * position, so a second delivery of the same job writes nothing. Returns false when another
   * delivery had already moved the checkpoint.
   */
  async function commitPage(
    run: SyncRun,
    definition: EntityDefinition,
    timeZone: string,
    rows: GridRow[],
    moreRecords: boolean,
  ): Promise<boolean> {
    const batches: GridRow[][] = [];
    for (let i = 0; i < rows.length; i += run.batchSize) {
      batches.push(rows.slice(i, i + run.batchSize));
    }
    if (batches.length === 0) batches.push([]);

    let expectedCursor = run.cursorPosition;
    for (const [index, batchRows] of batches.entries()) {
      const last = index === batches.length - 1;
      const nextCursor = batchRows.length > 0
        ? batchRows[batchRows.length - 1].id + 1
        : expectedCursor;
      const mapped = mapRows(definition, batchRows, timeZone);
      const advanced = await db.transaction(async (tx) => {
        const locked = await loadSyncRun(tx, run.id, { forUpdate: true });
        if (locked?.status !== "running" || locked.cursorPosition !== expectedCursor) {
          return undefined;
        }
        const counts = await upsertBatch(tx, definition, run.organization, run.id, mapped);
        await quarantineRows(tx, run.id, run.organization, definition.name, mapped.quarantined);
        const progressed = await advanceSyncRun(tx, run.id, {
          processed: batchRows.length,
          ...counts,
          errors: mapped.quarantined.length,
          cursorPosition: nextCursor,
          pageDone: last,
        });
        return last && !moreRecords ? await completeSyncRun(tx, progressed) : progressed;
      });
      if (!advanced) return false;
      await publish(advanced);
      expectedCursor = nextCursor;
    }
    return true;
  }

  async function failRun(run: SyncRun, job: SyncJob, error: Error): Promise<void> {
    const message = error instanceof EamError || error instanceof SyncFailure
      ? error.message
      : `unexpected error: ${error.message}`;
    log("error", "sync run failed", {
      runId: run.id,
      organization: run.organization,
      page: job.page,
      error,
    });
    const failed = await failSyncRun(db, run.id, message);
    if (failed) await publish(failed);
  }

  return {
    publish,
    async processJob(job) {
      const run = await loadSyncRun(db, job.runId);
      if (!run || terminalStatuses.has(run.status)) return;
      if (run.pagesDone > job.page) {
        // An earlier delivery committed this page and may have died before enqueuing the next.
        await queue.enqueue({ runId: run.id, page: run.pagesDone });
        return;
      }
      if (run.pagesDone < job.page) {
        log("warn", "sync job ahead of its run ignored", { runId: run.id, page: job.page });
        return;
      }
      try {
        await processPage(run, job);
      } catch (error) {
        // When the failure cannot be recorded either (database down), the queue redelivers.
        await failRun(run, job, error as Error);
      }
    },
  };
}
