import type { Queryable } from "./database.ts";
import { loadSyncRun, type SyncRun } from "./sync_runs.ts";

/** Lists the queued and running runs of every configuration, oldest first. */
export async function listActiveSyncRuns(db: Queryable): Promise<SyncRun[]> {
  const rows = await db.query<{ id: string }>(
    "select id from sync_runs where status in ('queued', 'running') order by created_at",
  );
  const runs = await Promise.all(rows.map((row) => loadSyncRun(db, row.id)));
  // A run that was deleted between the two queries is left out.
  return runs.filter((run): run is SyncRun => run !== undefined);
}
