import { listActiveSyncRuns } from "../db/active_sync_runs.ts";
import type { Database } from "../db/database.ts";
import { log } from "../lib/log.ts";
import type { JobQueue } from "./job_queue.ts";
import { isLeaseExpired } from "./run_lease.ts";

/**
 * Enqueues the next page of every queued or running run that no worker has leased and that has not
 * moved for `staleMs`, such as a run whose process was killed. Returns the ids reclaimed.
 * A run still in flight is safe to reclaim twice: its lease and checkpoint keep pages single.
 */
export async function reclaimStalledRuns(
  db: Database,
  kv: Deno.Kv,
  queue: JobQueue,
  staleMs: number,
): Promise<string[]> {
  const reclaimed: string[] = [];
  for (const run of await listActiveSyncRuns(db)) {
    const idleMs = Date.now() - new Date(run.updatedAt).getTime();
    if (idleMs < staleMs || !(await isLeaseExpired(kv, run.id))) continue;
    await queue.enqueue({ runId: run.id, page: run.pagesDone }, { force: true });
    reclaimed.push(run.id);
    log("warn", "stalled sync run reclaimed", {
      runId: run.id,
      organization: run.organization,
      page: run.pagesDone,
      idleMs,
    });
  }
  return reclaimed;
}
