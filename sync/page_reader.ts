import type { Queryable } from "../db/database.ts";
import type { SyncRun } from "../db/sync_runs.ts";
import { appendSyncRunLog } from "../db/sync_run_logs.ts";
import { log } from "../lib/log.ts";
import type { EamClient, GridField, GridRow } from "./eam_client.ts";
import type { EntityDefinition } from "./entities.ts";
import type { GridQuery } from "./grid_request.ts";

/** Rows of one page that follow the run's checkpoint, and how the next page must be read. */
export interface PageRead {
  rows: GridRow[];
  moreRecords: boolean;
  paging: "cursor" | "key";
}

/** Adds `key > lastKey` to a query, to read the rows after the last committed key. */
function afterKey(query: GridQuery, definition: EntityDefinition, lastKey: string): GridQuery {
  return {
    ...query,
    filters: [...(query.filters ?? []), {
      alias: definition.keyAlias,
      operator: ">",
      value: lastKey,
    }],
  };
}

/**
 * Reads the page after a run's checkpoint. In cursor paging the request starts one row early, at
 * the last committed row. When that row's key is not the committed key, rows were added or
 * removed before the cursor. The page is then read again by key (`key > lastKey`), and later
 * pages keep paging by key, so nothing is skipped or read twice. A shifted page is also
 * recorded in the run log through `db`.
 */
export async function readPage(
  client: EamClient,
  query: GridQuery,
  run: SyncRun,
  definition: EntityDefinition,
  fields: GridField[],
  db: Queryable,
): Promise<PageRead> {
  const { lastKey } = run;
  if (lastKey !== null && run.paging === "key") {
    const page = await client.fetchPage(
      afterKey(query, definition, lastKey),
      1,
      run.pageSize,
      fields,
    );
    return { rows: page.rows, moreRecords: page.moreRecords, paging: "key" };
  }
  if (lastKey === null) {
    const page = await client.fetchPage(query, run.cursorPosition, run.pageSize, fields);
    return { rows: page.rows, moreRecords: page.moreRecords, paging: "cursor" };
  }

  const overlap = run.cursorPosition - 1;
  const page = await client.fetchPage(query, overlap, run.pageSize + 1, fields);
  const first = page.rows[0];
  if (first && first.id === overlap && first.cells[definition.keyAlias] === lastKey) {
    return { rows: page.rows.slice(1), moreRecords: page.moreRecords, paging: "cursor" };
  }
  const shift = {
    cursorPosition: run.cursorPosition,
    lastKey,
    foundKey: first?.cells[definition.keyAlias] ?? null,
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
