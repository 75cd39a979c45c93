import type { ApiConfiguration, ApiCredentials } from "../db/api_configurations.ts";
import type { Database } from "../db/database.ts";
import type { SyncRun } from "../db/sync_runs.ts";
import { appendSyncRunLog } from "../db/sync_run_logs.ts";
import { log } from "../lib/log.ts";
import { eamRetriesTotal } from "../lib/metrics.ts";
import { createEamClient, type EamClient } from "./eam_client.ts";
import { eamConnection } from "./eam_connection.ts";
import type { RetryOptions } from "./retry.ts";

/** Settings that the EAM clients of all runs share. */
export interface PageClientOptions {
  /** Database of the run log, which records each retry. */
  db: Database;
  /** The fetch used for EAM requests. Default: the global fetch. */
  fetch?: typeof fetch;
  /** Retry limits. Default: the client's defaults. */
  retry?: RetryOptions;
  /** Time limit of each EAM request. Default: the client's default. */
  timeoutMs?: number;
}

/**
 * Creates the EAM client for one page of a run. Each retry is logged and counted with the page.
 * Its run log write is added to `retryLogs`, because the retry callback cannot wait for it.
 */
export function createPageClient(
  options: PageClientOptions,
  run: SyncRun,
  config: ApiConfiguration,
  credentials: ApiCredentials,
  page: number,
  retryLogs: Promise<void>[],
): EamClient {
  const connection = eamConnection(config, credentials, run.organization);
  connection.timeoutMs = options.timeoutMs;
  return createEamClient(connection, {
    fetch: options.fetch,
    retry: options.retry,
    onRetry: (info) => {
      eamRetriesTotal.inc({ kind: info.error.kind });
      log("warn", "EAM request retried", {
        runId: run.id,
        organization: run.organization,
        page,
        attempt: info.attempt,
        delayMs: info.delayMs,
        error: info.error,
      });
      retryLogs.push(appendSyncRunLog(options.db, run.id, {
        level: "warn",
        message: "EAM request retried",
        fields: { page: page + 1, attempt: info.attempt, delayMs: info.delayMs, error: info.error },
      }));
    },
  });
}
