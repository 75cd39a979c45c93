import { log } from "../lib/log.ts";
import type { GridPage } from "./eam_client.ts";
import type { Checkpoint } from "./page_reader.ts";

/**
 * Store of pages read ahead. While a worker writes page N of a run, it already fetches page
 * N + 1, and the job of that page uses the response instead of sending the request again. A
 * response is handed out only for the run, page, checkpoint and query it was fetched for, so it
 * is the response to the very request the job would send, sent a little earlier. The store keeps
 * at most one page per run. The engine drops a run's entry when the run ends. When another
 * process continues the run, its entry here is dropped by the first `put` after `ttlMs`.
 */
export interface ReadAhead {
  /** Stores the response for a run's page in place of the run's earlier entry. */
  put(
    runId: string,
    page: number,
    checkpoint: Checkpoint,
    query: unknown,
    response: Promise<GridPage>,
  ): void;
  /** Removes the run's entry and returns its response when page, checkpoint and query match. */
  take(
    runId: string,
    page: number,
    checkpoint: Checkpoint,
    query: unknown,
  ): Promise<GridPage> | undefined;
  /** Drops the run's entry, if any. */
  drop(runId: string): void;
}

interface Entry {
  key: string;
  response: Promise<GridPage>;
  createdAt: number;
  consumed: boolean;
}

const entryKey = (page: number, checkpoint: Checkpoint, query: unknown) =>
  JSON.stringify([page, checkpoint.cursorPosition, checkpoint.lastKey, checkpoint.paging, query]);

/** Creates an empty read-ahead store. `ttlMs` defaults to 60 s. */
export function createReadAhead(ttlMs = 60_000): ReadAhead {
  const entries = new Map<string, Entry>();

  const drop = (runId: string) => void entries.delete(runId);

  return {
    drop,
    put(runId, page, checkpoint, query, response) {
      const now = Date.now();
      for (const [id, entry] of entries) if (now - entry.createdAt > ttlMs) drop(id);
      const entry: Entry = {
        key: entryKey(page, checkpoint, query),
        response,
        consumed: false,
        createdAt: now,
      };
      // A consumed response reports its failure to its job, so only an unused one is logged.
      response.catch((error) => {
        if (!entry.consumed) log("debug", "page read ahead failed", { runId, page, error });
      });
      entries.set(runId, entry);
    },

    take(runId, page, checkpoint, query) {
      const entry = entries.get(runId);
      if (!entry) return undefined;
      drop(runId);
      if (entry.key !== entryKey(page, checkpoint, query)) return undefined;
      entry.consumed = true;
      return entry.response;
    },
  };
}
