import { log } from "../lib/log.ts";

/** A request to process the next page of a sync run: page `page` counts from 0. */
export interface SyncJob {
  runId: string;
  page: number;
}

/**
 * Job delivery for sync runs. Delivery is at least once, so handlers must be idempotent; the
 * engine checks each page against the run's checkpoint in Postgres.
 */
export interface JobQueue {
  /**
   * Enqueues the job unless this page of the run was already enqueued. `force` enqueues it
   * anyway, for a run whose worker vanished.
   */
  enqueue(job: SyncJob, options?: { force?: boolean }): Promise<void>;
  /** Starts delivering jobs to `handler`; a thrown error makes the queue deliver the job again. */
  listen(handler: (job: SyncJob) => Promise<void>): Promise<void>;
}

const jobMarkerKey = (runId: string): Deno.KvKey => ["sync_job_enqueued", runId];
const markerLifetimeMs = 7 * 24 * 60 * 60 * 1000;

function isSyncJob(message: unknown): message is SyncJob & { type: "sync-page" } {
  const job = message as Record<string, unknown> | null;
  return job?.type === "sync-page" && typeof job.runId === "string" &&
    Number.isInteger(job.page);
}

/**
 * Creates a job queue on Deno KV queues. A marker per run, written in the same atomic operation
 * as the message, records the highest page enqueued, so a redelivered message that enqueues the
 * next page again does not start a second chain of messages.
 */
export function createKvJobQueue(kv: Deno.Kv): JobQueue {
  return {
    async enqueue(job, options = {}) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const marker = await kv.get<number>(jobMarkerKey(job.runId));
        const enqueued = marker.value !== null && marker.value >= job.page;
        if (enqueued && !options.force) return;
        const result = await kv.atomic()
          .check(marker)
          .set(jobMarkerKey(job.runId), Math.max(job.page, marker.value ?? 0), {
            expireIn: markerLifetimeMs,
          })
          .enqueue({ type: "sync-page", ...job })
          .commit();
        if (result.ok) return;
      }
      throw new Error(`enqueue of sync run ${job.runId} page ${job.page} kept conflicting`);
    },
    listen(handler) {
      return kv.listenQueue(async (message: unknown) => {
        if (!isSyncJob(message)) {
          log("warn", "queue message ignored: not a sync job", { message });
          return;
        }
        await handler({ runId: message.runId, page: message.page });
      });
    },
  };
}
