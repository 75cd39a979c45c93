import type { Queryable } from "../db/database.ts";
import type { SyncRun } from "../db/sync_runs.ts";
import { appendSyncRunLog } from "../db/sync_run_logs.ts";
import { log } from "../lib/log.ts";
import type { EamClient, GridField, GridPage, GridRow } from "./eam_client.ts";
import type { EntityDefinition } from "./entities.ts";
import { type GridQuery, withFilter } from "./grid_request.ts";

/** Rows of one page that follow the run's checkpoint, and how the next page must be read. */
export interface PageRead {
  rows: GridRow[];
  moreRecords: boolean;
  paging: "cursor" | "key";
}

/** Adds `key > lastKey` to a query, to read the rows after the last committed key. */
function afterKey(query: GridQuery, definition: EntityDefinition, lastKey: string): GridQuery {
  return withFilter(query, { alias: definition.keyAlias, operator: ">", value: lastKey });
}

/** Position of a run: its next page starts after row `cursorPosition - 1`, whose key is `lastKey`. */
export interface Checkpoint {
  cursorPosition: number;
  lastKey: string | null;
  paging: "cursor" | "key";
}

/** Returns the checkpoint after `rows`, the rows of a page or batch read from `from`. */
export function checkpointAfter(
  from: Checkpoint,
  rows: readonly GridRow[],
  definition: EntityDefinition,
  paging: Checkpoint["paging"] = from.paging,
): Checkpoint {
  const last = rows.at(-1);
  if (!last) return { ...from, paging };
  return {
    cursorPosition: last.id + 1,
    lastKey: last.cells[definition.keyAlias] ?? from.lastKey,
    paging,
  };
}

/**
 * Sends the first request of {@link readPage} for a checkpoint. The engine calls it early to read
 * the next page while the current one is written.
 */
export function fetchFirstResponse(
  client: EamClient,
  query: GridQuery,
  checkpoint: Checkpoint,
  pageSize: number,
  definition: EntityDefinition,
  fields: GridField[],
): Promise<GridPage> {
  const { lastKey } = checkpoint;
  if (lastKey !== null && checkpoint.paging === "key") {
    return client.fetchPage(afterKey(query, definition, lastKey), 1, pageSize, fields);
  }
  if (lastKey === null) {
    return client.fetchPage(query, checkpoint.cursorPosition, pageSize, fields);
  }
  // One row early: the last committed row shows whether rows moved before the cursor.
  return client.fetchPage(query, checkpoint.cursorPosition - 1, pageSize + 1, fields);
}

/**
 * Reads the page after a run's checkpoint. In cursor paging the request starts one row early, at
 * the last committed row. When that row's key is not the committed key, rows were added or
 * removed before the cursor. The page is then read again by key (`key > lastKey`), and later
 * pages keep paging by key, so nothing is skipped or read twice. A shifted page is also
 * recorded in the run log through `db`.
 *
 * `first` is the response to the first request, when it was sent ahead with
 * {@link fetchFirstResponse}; by default it is sent now.
 */
export async function readPage(
  client: EamClient,
  query: GridQuery,
  run: SyncRun,
  definition: EntityDefinition,
  fields: GridField[],
  db: Queryable,
  first: Promise<GridPage> = fetchFirstResponse(
    client,
    query,
    run,
    run.pageSize,
    definition,
    fields,
  ),
): Promise<PageRead> {
  const { lastKey } = run;
  const page = await first;
  if (lastKey !== null && run.paging === "key") {
    return { rows: page.rows, moreRecords: page.moreRecords, paging: "key" };
  }
  if (lastKey === null) {
    return { rows: page.rows, moreRecords: page.moreRecords, paging: "cursor" };
  }

  const overlap = run.cursorPosition - 1;
  const firstRow = page.rows[0];
  if (firstRow && firstRow.id === overlap && firstRow.cells[definition.keyAlias] === lastKey) {
    return { rows: page.rows.slice(1), moreRecords: page.moreRecords, paging: "cursor" };
  }
  const shift = {
    cursorPosition: run.cursorPosition,
    lastKey,
    foundKey: firstRow?.cells[definition.keyAlias] ?? null,
  };
  const message = "page shifted: reading again after the last committed key";
  log("warn", message, { runId: run.id, organization: run.organization, ...shift });
  await appendSyncRunLog(db, run.id, { level: "warn", message, fields: shift });
  const reread = await client.fetchPage(
    afterKey(query, definition, lastKey),
    1,
    run.pageSize,
    fields,
  );
  return { rows: reread.rows, moreRecords: reread.moreRecords, paging: "key" };
}
