import type { Queryable } from "./database.ts";

export type SyncStatus = "queued" | "running" | "completed" | "failed" | "cancelled";
export type SyncMode = "full" | "incremental";

/** A sync run as stored, in the field names of the REST API. */
export interface SyncRun {
  id: string;
  apiConfigurationId: number;
  organization: string;
  entity: string;
  mode: SyncMode;
  status: SyncStatus;
  startedBy: number | null;
  cursorPosition: number;
  pagesDone: number;
  totalRecords: number | null;
  processedRecords: number;
  insertedRecords: number;
  updatedRecords: number;
  unchangedRecords: number;
  errorRecords: number;
  batchSize: number;
  pageSize: number;
  notice: string | null;
  error: string | null;
  /** Key of the last committed row; paging resumes after it. */
  lastKey: string | null;
  /** "cursor" pages by cursor position; "key" filters `key > lastKey` after a shifted page. */
  paging: "cursor" | "key";
  cancelRequestedAt: Date | null;
  deletedRecords: number;
  /** Incremental runs read rows modified at or after this instant. */
  watermark: Date | null;
  /** Greatest last-modified value among the rows of this run: the next watermark. */
  maxLastModified: Date | null;
  /** First quarantine reasons, at most five. */
  errorSamples: string[];
  /** The grid's FIELDS read when the run started. */
  gridFields: unknown;
  createdAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  updatedAt: Date;
}

export const terminalStatuses: ReadonlySet<SyncStatus> = new Set([
  "completed",
  "failed",
  "cancelled",
]);

/** Converts a `sync_runs` row to a {@linkcode SyncRun}. */
// deno-lint-ignore no-explicit-any
export function toSyncRun(row: any): SyncRun {
  const count = (value: unknown) => (value === null ? null : Number(value));
  return {
    id: row.id,
    apiConfigurationId: Number(row.api_configuration_id),
    organization: row.organization,
    entity: row.entity,
    mode: row.mode,
    status: row.status,
    startedBy: count(row.started_by),
    cursorPosition: Number(row.cursor_position),
    pagesDone: Number(row.pages_done),
    totalRecords: count(row.total_records),
    processedRecords: Number(row.processed_records),
    insertedRecords: Number(row.inserted_records),
    updatedRecords: Number(row.updated_records),
    unchangedRecords: Number(row.unchanged_records),
    errorRecords: Number(row.error_records),
    batchSize: Number(row.batch_size),
    pageSize: Number(row.page_size),
    notice: row.notice,
    error: row.error,
    lastKey: row.last_key,
    paging: row.paging,
    cancelRequestedAt: row.cancel_requested_at,
    deletedRecords: Number(row.deleted_records),
    watermark: row.watermark,
    maxLastModified: row.max_last_modified,
    errorSamples: row.error_samples ?? [],
    gridFields: row.grid_fields,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    updatedAt: row.updated_at,
  };
}

/** Fields of a new run. */
export interface NewSyncRun {
  id: string;
  apiConfigurationId: number;
  organization: string;
  entity: string;
  mode: SyncMode;
  startedBy: number | null;
  batchSize: number;
  pageSize: number;
  notice?: string;
  watermark?: Date | null;
}

/**
 * Inserts a queued run, unless the configuration and organization already have an active run:
 * then returns that run's id as `activeRunId` and inserts nothing.
 */
export async function createSyncRun(
  db: Queryable,
  run: NewSyncRun,
): Promise<{ run: SyncRun } | { activeRunId: string }> {
  const rows = await db.query(
    `insert into sync_runs (id, api_configuration_id, organization, entity, mode, status,
                            started_by, batch_size, page_size, notice, watermark)
     values ($1, $2, $3, $4, $5, 'queued', $6, $7, $8, $9, $10)
     on conflict (api_configuration_id, organization) where status in ('queued', 'running')
     do nothing
     returning *`,
    [
      run.id,
      run.apiConfigurationId,
      run.organization,
      run.entity,
      run.mode,
      run.startedBy,
      run.batchSize,
      run.pageSize,
      run.notice ?? null,
      run.watermark ?? null,
    ],
  );
  if (rows.length > 0) return { run: toSyncRun(rows[0]) };
  const active = await findActiveRun(db, run.apiConfigurationId, run.organization);
  // The active run may have ended between the two statements; the caller can simply retry.
  return { activeRunId: active?.id ?? "" };
}

/** Returns the queued or running run of a configuration and organization, if any. */
export async function findActiveRun(
  db: Queryable,
  apiConfigurationId: number,
  organization: string,
): Promise<SyncRun | undefined> {
  const rows = await db.query(
    `select * from sync_runs
     where api_configuration_id = $1 and organization = $2 and status in ('queued', 'running')`,
    [apiConfigurationId, organization],
  );
  return rows.length > 0 ? toSyncRun(rows[0]) : undefined;
}

/** Loads a run by id; `forUpdate` locks its row until the transaction ends. */
export async function loadSyncRun(
  db: Queryable,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<SyncRun | undefined> {
  if (!isUuid(id)) return undefined;
  const rows = await db.query(
    `select * from sync_runs where id = $1${options.forUpdate ? " for update" : ""}`,
    [id],
  );
  return rows.length > 0 ? toSyncRun(rows[0]) : undefined;
}

/** Counts and checkpoint reached by one committed batch. */
export interface BatchProgress {
  processed: number;
  inserted: number;
  updated: number;
  unchanged: number;
  errors: number;
  cursorPosition: number;
  lastKey: string | null;
  paging: "cursor" | "key";
  pageDone: boolean;
  /** Greatest last-modified value of the batch, as an ISO instant. */
  maxLastModified: string | null;
  errorSamples: string[];
}

/** Adds a batch's counts to a run and moves its checkpoint; returns the updated run. */
export async function advanceSyncRun(
  tx: Queryable,
  id: string,
  progress: BatchProgress,
): Promise<SyncRun> {
  const rows = await tx.query(
    `update sync_runs set
       processed_records = processed_records + $2,
       inserted_records = inserted_records + $3,
       updated_records = updated_records + $4,
       unchanged_records = unchanged_records + $5,
       error_records = error_records + $6,
       cursor_position = $7,
       pages_done = pages_done + $8,
       last_key = $9,
       paging = $10,
       max_last_modified = greatest(max_last_modified, $11::timestamptz),
       error_samples = $12::text::jsonb,
       updated_at = now()
     where id = $1
     returning *`,
    [
      id,
      progress.processed,
      progress.inserted,
      progress.updated,
      progress.unchanged,
      progress.errors,
      progress.cursorPosition,
      progress.pageDone ? 1 : 0,
      progress.lastKey,
      progress.paging,
      progress.maxLastModified,
      JSON.stringify(progress.errorSamples),
    ],
  );
  return toSyncRun(rows[0]);
}

/** Marks a queued run as running and records the total the grid announced. */
export async function startSyncRun(
  db: Queryable,
  id: string,
  totalRecords: number | null,
  gridFields: unknown,
): Promise<SyncRun | undefined> {
  const rows = await db.query(
    `update sync_runs set status = 'running', total_records = coalesce($2, total_records),
       grid_fields = $3::text::jsonb, started_at = coalesce(started_at, now()), updated_at = now()
     where id = $1 and status in ('queued', 'running')
     returning *`,
    [id, totalRecords, JSON.stringify(gridFields)],
  );
  return rows.length > 0 ? toSyncRun(rows[0]) : undefined;
}

/**
 * Marks a run completed, records the rows a full sync marked deleted and the grid's FIELDS, and
 * adds its result to the configuration's sync statistics:
 * `first_sync_at` only the first time, `last_sync_at` always, `last_sync_record_count` =
 * inserted + updated, and `total_sync_record_count` grows by the same.
 */
export async function completeSyncRun(
  tx: Queryable,
  run: SyncRun,
  deletedRecords = 0,
): Promise<SyncRun> {
  const rows = await tx.query(
    `update sync_runs set status = 'completed', deleted_records = $2, completed_at = now(),
       updated_at = now()
     where id = $1 and status = 'running'
     returning *`,
    [run.id, deletedRecords],
  );
  if (rows.length === 0) return run;
  const completed = toSyncRun(rows[0]);
  const pulled = completed.insertedRecords + completed.updatedRecords;
  await tx.query(
    `update api_configurations set
       first_sync_at = coalesce(first_sync_at, $2),
       last_sync_at = $2,
       last_sync_record_count = $3,
       total_sync_record_count = coalesce(total_sync_record_count, 0) + $3,
       grid_fields = grid_fields || jsonb_build_object($4::text, $5::text::jsonb),
       updated_at = now()
     where id = $1`,
    [
      completed.apiConfigurationId,
      completed.completedAt,
      pulled,
      completed.entity,
      JSON.stringify(completed.gridFields),
    ],
  );
  return completed;
}

/** Marks an active run failed with a message for the admin; returns undefined if it had ended. */
export async function failSyncRun(
  db: Queryable,
  id: string,
  message: string,
): Promise<SyncRun | undefined> {
  const rows = await db.query(
    `update sync_runs set status = 'failed', error = $2, completed_at = now(), updated_at = now()
     where id = $1 and status in ('queued', 'running')
     returning *`,
    [id, message],
  );
  return rows.length > 0 ? toSyncRun(rows[0]) : undefined;
}

/** Marks a run cancelled from inside its batch transaction, or at once while it is queued. */
export async function cancelSyncRun(db: Queryable, id: string): Promise<SyncRun | undefined> {
  const rows = await db.query(
    `update sync_runs set status = 'cancelled', completed_at = now(), updated_at = now()
     where id = $1 and status in ('queued', 'running')
     returning *`,
    [id],
  );
  return rows.length > 0 ? toSyncRun(rows[0]) : undefined;
}

/**
 * Asks a run to stop after its current batch. A queued run, which no worker has leased yet, is
 * cancelled at once. Returns the run as it is now, or undefined for an unknown id.
 */
export async function requestCancel(db: Queryable, id: string): Promise<SyncRun | undefined> {
  if (!isUuid(id)) return undefined;
  const queued = await db.query(
    `update sync_runs set status = 'cancelled', cancel_requested_at = now(),
       completed_at = now(), updated_at = now()
     where id = $1 and status = 'queued' returning id`,
    [id],
  );
  if (queued.length === 0) {
    await db.query(
      `update sync_runs set cancel_requested_at = coalesce(cancel_requested_at, now())
       where id = $1 and status = 'running'`,
      [id],
    );
  }
  return await loadSyncRun(db, id);
}

/** Returns the last completed run of a configuration, organization and entity, if any. */
export async function lastCompletedRun(
  db: Queryable,
  apiConfigurationId: number,
  organization: string,
  entity: string,
): Promise<SyncRun | undefined> {
  const rows = await db.query(
    `select * from sync_runs
     where api_configuration_id = $1 and organization = $2 and entity = $3
       and status = 'completed'
     order by completed_at desc limit 1`,
    [apiConfigurationId, organization, entity],
  );
  return rows.length > 0 ? toSyncRun(rows[0]) : undefined;
}

export function isUuid(text: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text);
}
