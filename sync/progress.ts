import { type SyncRun, terminalStatuses } from "../db/sync_runs.ts";

/** A run's progress as the REST API, the SSE stream and the admin page show it. */
export interface SyncProgress {
  syncId: string;
  apiConfigId: number;
  organization: string;
  entity: string;
  mode: string;
  status: SyncRun["status"];
  totalRecords: number | null;
  processedRecords: number;
  insertedRecords: number;
  updatedRecords: number;
  unchangedRecords: number;
  errorRecords: number;
  /** Rows a completed full sync marked deleted because EAM no longer has them. */
  deletedRecords: number;
  /** First reasons rows were quarantined. */
  errorSamples: string[];
  cancelRequested: boolean;
  /** Lower bound of an incremental run's last-modified filter. */
  watermark: string | null;
  currentBatch: number;
  totalBatches: number | null;
  percent: number;
  startedAt: string | null;
  completedAt: string | null;
  durationMs: number | null;
  notice: string | null;
  error: string | null;
}

/** Derives the progress view of a run; `now` dates the duration of a run still going. */
export function toSyncProgress(run: SyncRun, now = new Date()): SyncProgress {
  const handled = run.processedRecords;
  const total = run.totalRecords;
  const finished = terminalStatuses.has(run.status);
  let percent = total ? Math.min(100, Math.floor((handled / total) * 100)) : 0;
  if (run.status === "completed") percent = 100;
  const started = run.startedAt ? new Date(run.startedAt) : null;
  let ended: Date | null = finished ? null : now;
  if (run.completedAt) ended = new Date(run.completedAt);
  return {
    syncId: run.id,
    apiConfigId: run.apiConfigurationId,
    organization: run.organization,
    entity: run.entity,
    mode: run.mode,
    status: run.status,
    totalRecords: total,
    processedRecords: run.processedRecords,
    insertedRecords: run.insertedRecords,
    updatedRecords: run.updatedRecords,
    unchangedRecords: run.unchangedRecords,
    errorRecords: run.errorRecords,
    deletedRecords: run.deletedRecords,
    errorSamples: run.errorSamples,
    cancelRequested: run.cancelRequestedAt !== null,
    watermark: run.watermark ? new Date(run.watermark).toISOString() : null,
    currentBatch: Math.ceil(handled / run.batchSize),
    totalBatches: total === null ? null : Math.max(1, Math.ceil(total / run.batchSize)),
    percent,
    startedAt: started?.toISOString() ?? null,
    completedAt: run.completedAt ? new Date(run.completedAt).toISOString() : null,
    durationMs: started && ended ? ended.getTime() - started.getTime() : null,
    notice: run.notice,
    error: run.error,
  };
}

const progressKey = (syncId: string): Deno.KvKey => ["sync_progress", syncId];

/** Writes a run's latest progress to KV, where SSE streams watch it; kept for one day. */
export async function publishProgress(kv: Deno.Kv, run: SyncRun): Promise<void> {
  await kv.set(progressKey(run.id), toSyncProgress(run), { expireIn: 24 * 60 * 60 * 1000 });
}

/**
 * Yields a run's progress each time it changes in KV, starting with the stored value (null when
 * none was published). KV notifies only watchers in the process that wrote the value.
 */
export async function* watchProgress(
  kv: Deno.Kv,
  syncId: string,
  signal: AbortSignal,
): AsyncGenerator<SyncProgress | null> {
  const stream = kv.watch<[SyncProgress]>([progressKey(syncId)]);
  const reader = stream.getReader();
  const cancel = () => reader.cancel().catch(() => {});
  signal.addEventListener("abort", cancel, { once: true });
  try {
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      yield value[0].value;
    }
  } finally {
    signal.removeEventListener("abort", cancel);
    await cancel();
  }
}
