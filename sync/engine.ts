import {
  type ApiConfiguration,
  loadApiConfiguration,
  loadApiCredentials,
} from "../db/api_configurations.ts";
import type { Database } from "../db/database.ts";
import {
  cancelSyncRun,
  failSyncRun,
  loadSyncRun,
  startSyncRun,
  type SyncRun,
  terminalStatuses,
} from "../db/sync_runs.ts";
import { appendRunEndLog, appendSyncRunLog } from "../db/sync_run_logs.ts";
import type { CredentialsCipher } from "../lib/credentials_cipher.ts";
import { log } from "../lib/log.ts";
import type { EamClient, GridField } from "./eam_client.ts";
import { EamError } from "./eam_error.ts";
import { entities, isEntityName } from "./entities.ts";
import type { GridQuery } from "./grid_request.ts";
import type { JobQueue, SyncJob } from "./job_queue.ts";
import { createPageClient } from "./page_client.ts";
import { checkpointAfter, fetchFirstResponse, readPage } from "./page_reader.ts";
import { writePage } from "./page_writer.ts";
import { publishProgress } from "./progress.ts";
import { createReadAhead } from "./read_ahead.ts";
import type { RetryOptions } from "./retry.ts";
import { acquireRunLease } from "./run_lease.ts";
import { checkOrganization, runQuery } from "./run_query.ts";
import { describeSchemaDrift, detectSchemaDrift } from "./schema_drift.ts";
import { SyncFailure } from "./sync_errors.ts";

/** Services and limits of the sync engine. */
export interface SyncEngineOptions {
  db: Database;
  kv: Deno.Kv;
  queue: JobQueue;
  cipher: CredentialsCipher;
  /** The fetch used for EAM requests. Default: the global fetch. */
  fetch?: typeof fetch;
  /** How long a worker's claim on a run lasts without renewal. Default 15 s. */
  leaseMs?: number;
  /** Timeout of each EAM request. Default 60 s. */
  requestTimeoutMs?: number;
  /** Retry limits of EAM requests; the client's defaults when unset. */
  retry?: RetryOptions;
  /**
   * Switch for reading the next page of a run while the current one is written. Default true.
   * When false, each page is requested only when its job runs.
   */
  readAhead?: boolean;
}

/** Processes sync jobs: one EAM page per job, committed in batches with the run's checkpoint. */
export interface SyncEngine {
  processJob(job: SyncJob): Promise<void>;
  /** Publishes a run's state to KV so that SSE streams see it. Errors are logged, not thrown. */
  publish(run: SyncRun): Promise<void>;
  readonly leaseMs: number;
}

/** Creates the sync engine. */
export function createSyncEngine(options: SyncEngineOptions): SyncEngine {
  const { db, kv, queue, cipher } = options;
  const leaseMs = options.leaseMs ?? 15_000;
  const owner = crypto.randomUUID();
  const readAhead = options.readAhead === false ? undefined : createReadAhead();
  const clientOptions = {
    db,
    fetch: options.fetch,
    retry: options.retry,
    timeoutMs: options.requestTimeoutMs,
  };

  async function publish(run: SyncRun): Promise<void> {
    try {
      await publishProgress(kv, run);
    } catch (error) {
      log("warn", "progress not published", { runId: run.id, error });
    }
  }

  /** Reads the grid's FIELDS and row count and stops on schema drift; first page only. */
  async function startRun(
    run: SyncRun,
    config: ApiConfiguration,
    client: EamClient,
    query: GridQuery,
  ): Promise<SyncRun | undefined> {
    const fields = await client.fetchFields(query);
    const drift = detectSchemaDrift(
      config.gridFields[run.entity] as GridField[] | undefined,
      fields,
    );
    if (drift) {
      const message = describeSchemaDrift(query.grid.name, drift);
      if (!config.allowSchemaDrift) {
        throw new SyncFailure(
          `${message}. Check the grid in EAM, or allow schema drift for configuration "${config.name}"`,
        );
      }
      log("warn", "schema drift allowed by the configuration", { runId: run.id, drift });
      await appendSyncRunLog(db, run.id, {
        level: "warn",
        message: "schema drift allowed by the configuration",
        fields: { drift: message },
      });
    }
    const total = await client.count(query);
    const started = await startSyncRun(db, run.id, total, fields);
    if (started) {
      await appendSyncRunLog(db, run.id, {
        level: "info",
        message: "run started",
        fields: {
          grid: query.grid.name,
          totalRecords: total,
          mode: run.mode,
          watermark: run.watermark,
        },
      });
      await publish(started);
    }
    return started;
  }

  async function processPage(
    run: SyncRun,
    job: SyncJob,
    retryLogs: Promise<void>[],
  ): Promise<void> {
    const config = await loadApiConfiguration(db, run.apiConfigurationId);
    if (!config) throw new SyncFailure("the API configuration of this run was deleted");
    if (!isEntityName(run.entity)) throw new SyncFailure(`unknown entity "${run.entity}"`);
    const definition = entities[run.entity];
    const credentials = await loadApiCredentials(db, cipher, config.id);
    const client = createPageClient(clientOptions, run, config, credentials, job.page, retryLogs);
    const query = runQuery(config, definition, run);

    const current = run.status === "queued" ? await startRun(run, config, client, query) : run;
    if (!current) return;
    const fields = current.gridFields as GridField[];

    const started = performance.now();
    const readAheadResponse = readAhead?.take(run.id, job.page, current, query);
    const page = await readPage(client, query, current, definition, fields, db, readAheadResponse);
    const readMs = Math.round(performance.now() - started);
    if (readAhead && page.moreRecords && page.rows.length > 0) {
      // Its retries are logged when they happen, and nothing waits for those log writes.
      const nextClient = createPageClient(
        clientOptions,
        run,
        config,
        credentials,
        job.page + 1,
        [],
      );
      const next = checkpointAfter(current, page.rows, definition, page.paging);
      const response = fetchFirstResponse(
        nextClient,
        query,
        next,
        run.pageSize,
        definition,
        fields,
      );
      readAhead.put(run.id, job.page + 1, next, query, response);
    }
    checkOrganization(page.rows, definition, run.organization);
    const rowCount = page.rows.length;
    if (rowCount === 0 && page.moreRecords) {
      throw new SyncFailure(
        `EAM announced more records but returned none after cursor position ${current.cursorPosition}`,
      );
    }
    // The final state is published after the run's last log lines, so that a viewer who sees
    // the run end and opens its page finds them.
    let committed: SyncRun | undefined;
    const outcome = await writePage(db, current, definition, config.timeZone, page, (batchRun) => {
      committed = batchRun;
      return terminalStatuses.has(batchRun.status) ? Promise.resolve() : publish(batchRun);
    });
    const durationMs = Math.round(performance.now() - started);
    log("info", "page synced", {
      runId: run.id,
      organization: run.organization,
      page: job.page,
      rows: rowCount,
      paging: page.paging,
      outcome,
      durationMs,
      readMs,
    });
    await Promise.all(retryLogs);
    await appendSyncRunLog(db, run.id, {
      level: "info",
      message: "page synced",
      fields: { page: job.page + 1, rows: rowCount, paging: page.paging, outcome, durationMs },
    });
    if (committed && terminalStatuses.has(committed.status)) {
      await appendRunEndLog(db, committed);
      await publish(committed);
    }
    if (outcome === "written" && page.moreRecords) {
      await queue.enqueue({ runId: run.id, page: job.page + 1 });
    } else {
      readAhead?.drop(run.id);
    }
  }

  async function failRun(run: SyncRun, job: SyncJob, error: Error): Promise<void> {
    readAhead?.drop(run.id);
    const config = await loadApiConfiguration(db, run.apiConfigurationId).catch(() => undefined);
    const where = `configuration "${config?.name ?? run.apiConfigurationId}", organization ` +
      `${run.organization}, page ${job.page + 1}`;
    const known = error instanceof EamError || error instanceof SyncFailure;
    const message = `${where}: ${known ? error.message : `unexpected error: ${error.message}`}`;
    log("error", "sync run failed", {
      runId: run.id,
      organization: run.organization,
      page: job.page,
      error,
    });
    const failed = await failSyncRun(db, run.id, message);
    if (failed) {
      await appendSyncRunLog(db, run.id, {
        level: "error",
        message: "run failed",
        fields: { error: message },
      });
      await publish(failed);
    }
  }

  async function processLeased(run: SyncRun, job: SyncJob): Promise<void> {
    const lease = await acquireRunLease(kv, run.id, owner, leaseMs);
    if (!lease) {
      log("debug", "sync job skipped: another worker holds the run", {
        runId: run.id,
        page: job.page,
      });
      return;
    }
    const renewal = setInterval(() => {
      lease.renew().catch((error) => log("warn", "lease renewal failed", { runId: run.id, error }));
    }, leaseMs / 3);
    const retryLogs: Promise<void>[] = [];
    try {
      await processPage(run, job, retryLogs);
    } catch (error) {
      await Promise.all(retryLogs);
      // When the failure cannot be recorded either (database down), the queue redelivers.
      await failRun(run, job, error as Error);
    } finally {
      clearInterval(renewal);
      await lease.release().catch((error) =>
        log("warn", "lease release failed", { runId: run.id, error })
      );
    }
  }

  return {
    publish,
    leaseMs,
    async processJob(job) {
      const run = await loadSyncRun(db, job.runId);
      if (!run || terminalStatuses.has(run.status)) {
        readAhead?.drop(job.runId);
        return;
      }
      if (run.pagesDone > job.page) {
        // An earlier delivery committed this page and may have died before enqueuing the next.
        await queue.enqueue({ runId: run.id, page: run.pagesDone });
        return;
      }
      if (run.pagesDone < job.page) {
        log("warn", "sync job ahead of its run ignored", { runId: run.id, page: job.page });
        return;
      }
      if (run.cancelRequestedAt) {
        // Cancelled between pages: nothing is being written, so it ends here.
        readAhead?.drop(run.id);
        const cancelled = await cancelSyncRun(db, run.id);
        if (cancelled) {
          await appendRunEndLog(db, cancelled);
          await publish(cancelled);
        }
        return;
      }
      await processLeased(run, job);
    },
  };
}
