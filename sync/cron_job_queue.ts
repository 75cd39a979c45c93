import { log } from "../lib/log.ts";
import type { JobQueue, SyncJob } from "./job_queue.ts";

/** A job queue driven by ticks instead of KV queues, for platforms without them. */
export interface CronJobQueue extends JobQueue {
  /** Runs pending jobs until none is left or `deadline` (epoch ms) passes; returns how many ran. */
  tick(deadline: number): Promise<number>;
  /** Stops starting new jobs; the promise of `listen` resolves. */
  close(): void;
}

interface PendingJob {
  page: number;
  enqueuedAt: number;
}

const pendingKey = (runId: string): Deno.KvKey => ["sync_pending", runId];

/**
 * Creates a job queue that keeps one pending job per run in Deno KV. An enqueued job runs at
 * once in this process, and a tick (Deno.cron every minute) runs whatever is still pending, such
 * as the jobs of a process that stopped. Several processes may tick the same KV: the engine's run
 * lease and checkpoint make each page commit once.
 */
export function createCronJobQueue(kv: Deno.Kv): CronJobQueue {
  let handler: ((job: SyncJob) => Promise<void>) | undefined;
  let closed = false;
  let resolveClosed: () => void;
  const closedPromise = new Promise<void>((resolve) => (resolveClosed = resolve));

  async function run(runId: string): Promise<boolean> {
    const entry = await kv.get<PendingJob>(pendingKey(runId));
    if (!entry.value || !handler || closed) return false;
    try {
      await handler({ runId, page: entry.value.page });
    } catch (error) {
      // The job stays pending, so the next tick tries it again.
      log("error", "sync job failed, kept for the next tick", {
        runId,
        page: entry.value.page,
        error,
      });
      return true;
    }
    // Consumed, unless the handler enqueued the next page meanwhile.
    await kv.atomic().check(entry).delete(pendingKey(runId)).commit();
    return true;
  }

  function runSoon(runId: string) {
    setTimeout(() => {
      if (closed) return;
      run(runId).catch((error) => log("error", "sync job could not start", { runId, error }));
    }, 0);
  }

  return {
    async enqueue(job, options = {}) {
      for (let attempt = 0; attempt < 10; attempt++) {
        const entry = await kv.get<PendingJob>(pendingKey(job.runId));
        if (entry.value && entry.value.page >= job.page && !options.force) return;
        const value = { page: Math.max(job.page, entry.value?.page ?? 0), enqueuedAt: Date.now() };
        const result = await kv.atomic().check(entry).set(pendingKey(job.runId), value).commit();
        if (result.ok) {
          runSoon(job.runId);
          return;
        }
      }
      throw new Error(`enqueue of sync run ${job.runId} page ${job.page} kept conflicting`);
    },
    listen(next) {
      handler = next;
      return closedPromise;
    },
    async tick(deadline) {
      let ran = 0;
      for await (const entry of kv.list<PendingJob>({ prefix: ["sync_pending"] })) {
        if (closed || Date.now() >= deadline) break;
        if (await run(String(entry.key[1]))) ran++;
      }
      return ran;
    },
    close() {
      closed = true;
      resolveClosed();
    },
  };
}
