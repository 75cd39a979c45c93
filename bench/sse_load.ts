/**
 * SSE load check: many clients follow one run's event stream while it syncs, and each progress
 * event is timed against the commit of the checkpoint it reports.
 *
 * @module
 */

import type postgres from "postgres";
import {
  checkpointChannel,
  notifyCheckpoints,
  stopNotifyingCheckpoints,
} from "./bench_database.ts";
import { readMemory, resetPeakRss } from "./processes.ts";
import type { ReceivedEvent, RunProgress, ServiceClient } from "./service_client.ts";

/** Results of the SSE load check. */
export interface SseMeasurement {
  viewers: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  /** Progress events that reported a new checkpoint, over all viewers. */
  events: number;
  /** Delays from checkpoint commit to event receipt, in milliseconds. */
  p50DelayMs: number | null;
  p95DelayMs: number | null;
  maxDelayMs: number | null;
  /** VmHWM and VmRSS of the service process during the run. */
  peakRssBytes: number;
  rssAfterBytes: number;
}

/** Options of {@link measureSseLoad}. */
export interface SseLoadOptions {
  client: ServiceClient;
  sql: postgres.Sql;
  configId: number;
  organization: string;
  servicePid: number;
  viewers: number;
}

/**
 * Starts a full sync with `viewers` clients on its event stream. Commit times come from a
 * trigger whose NOTIFY Postgres delivers at commit (see {@link notifyCheckpoints}). A viewer's
 * first event shows the state at connection, not a new checkpoint, so it is not counted.
 */
export async function measureSseLoad(options: SseLoadOptions): Promise<SseMeasurement> {
  const { client, sql, servicePid, viewers } = options;
  const commits = new Map<string, number>();
  await notifyCheckpoints(sql);
  const listener = await sql.listen(checkpointChannel, (payload) => {
    if (!commits.has(payload)) commits.set(payload, performance.now());
  });
  try {
    await resetPeakRss(servicePid);
    const posted = performance.now();
    const syncId = await client.startFullSync(options.configId, options.organization);
    const receipts: { key: string; receivedAt: number }[] = [];
    const follow = () => {
      let first = true;
      return client.followEvents(syncId, (event: ReceivedEvent) => {
        if (event.event !== "progress") return;
        if (first) {
          first = false;
          return;
        }
        const progress = JSON.parse(event.data) as RunProgress;
        receipts.push({
          key: `${syncId}:${progress.processedRecords}`,
          receivedAt: event.receivedAt,
        });
      });
    };
    const finals = await Promise.all(Array.from({ length: viewers }, follow));
    const seconds = (performance.now() - posted) / 1000;
    const memory = await readMemory(servicePid);
    const final = finals[0];
    if (final.status !== "completed") {
      throw new Error(
        `sync run ${syncId} ended ${final.status}: ${final.error ?? "no error text"}`,
      );
    }

    const delays = receipts
      .filter((receipt) => commits.has(receipt.key))
      .map((receipt) => receipt.receivedAt - commits.get(receipt.key)!)
      .sort((a, b) => a - b);
    return {
      viewers,
      rows: final.processedRecords,
      seconds,
      rowsPerSecond: final.processedRecords / seconds,
      events: delays.length,
      p50DelayMs: percentile(delays, 0.5),
      p95DelayMs: percentile(delays, 0.95),
      maxDelayMs: delays.at(-1) ?? null,
      peakRssBytes: memory.peakRss,
      rssAfterBytes: memory.rss,
    };
  } finally {
    await listener.unlisten();
    await stopNotifyingCheckpoints(sql);
  }
}

/** Returns the nearest-rank percentile of sorted values, or null when there are none. */
function percentile(sorted: number[], share: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)];
}
