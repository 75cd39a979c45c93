import type { SSEStreamingApi } from "hono/streaming";
import { terminalStatuses } from "../db/sync_runs.ts";
import { type SyncProgress, watchProgress } from "../sync/progress.ts";
import type { Services } from "./context.ts";

const heartbeatMs = 15_000;

/**
 * Calls `send` with a run's progress each time it changes, starting with `first`, until the
 * run ends or the client or the server goes away. `done` is true on the last call. A comment line
 * every 15 s keeps proxies from closing an idle stream.
 */
export async function followRunProgress(
  stream: SSEStreamingApi,
  services: Services,
  first: SyncProgress,
  send: (progress: SyncProgress, done: boolean) => Promise<void>,
): Promise<void> {
  const abort = new AbortController();
  stream.onAbort(() => abort.abort());
  const onShutdown = () => abort.abort();
  services.shutdown.addEventListener("abort", onShutdown, { once: true });
  const heartbeat = setInterval(() => {
    stream.write(": heartbeat\n\n").catch(() => abort.abort());
  }, heartbeatMs);

  let last: SyncProgress | undefined;
  const sendIfChanged = async (progress: SyncProgress) => {
    const done = terminalStatuses.has(progress.status);
    // KV may still hold a value older than the database row that `first` came from.
    const older = last !== undefined && !done &&
      progress.processedRecords < last.processedRecords;
    if (older || JSON.stringify(progress) === JSON.stringify(last)) return false;
    last = progress;
    await send(progress, done);
    return done;
  };

  try {
    if (await sendIfChanged(first)) return;
    for await (const progress of watchProgress(services.kv, first.syncId, abort.signal)) {
      if (progress && await sendIfChanged(progress)) return;
    }
  } finally {
    clearInterval(heartbeat);
    services.shutdown.removeEventListener("abort", onShutdown);
  }
}
