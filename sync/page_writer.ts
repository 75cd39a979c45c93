import type { Database } from "../db/database.ts";
import { markUnseenDeleted, quarantineRows, stampSeen, upsertBatch } from "../db/records.ts";
import {
  advanceSyncRun,
  cancelSyncRun,
  completeSyncRun,
  loadSyncRun,
  type SyncRun,
} from "../db/sync_runs.ts";
import { countSyncRows } from "../lib/metrics.ts";
import type { GridRow } from "./eam_client.ts";
import type { EntityDefinition } from "./entities.ts";
import type { PageRead } from "./page_reader.ts";
import { type MappedBatch, mapRows } from "./row_mapper.ts";

const maxErrorSamples = 5;

/** Outcome of writing a page: all batches written, or stopped early. */
export type PageOutcome = "written" | "superseded" | "cancelled";

function greatestLastModified(definition: EntityDefinition, batch: MappedBatch): string | null {
  const index = definition.columns.findIndex((column) =>
    column.alias === definition.lastModifiedAlias
  );
  let greatest: string | null = null;
  for (const value of (batch.columns[index] ?? []) as (string | null)[]) {
    if (value !== null && (greatest === null || value > greatest)) greatest = value;
  }
  return greatest;
}

/**
 * Writes a page in batches of `run.batchSize`. Each batch is one transaction that locks the run
 * and checks that its checkpoint is where the batch starts, so a second delivery of the same job
 * writes nothing (`superseded`). A cancel request ends the run at the next batch boundary. The
 * batch that ends the last page also completes the run. A full sync then marks the rows it did
 * not see as deleted, in that same transaction.
 */
export async function writePage(
  db: Database,
  run: SyncRun,
  definition: EntityDefinition,
  timeZone: string,
  page: PageRead,
  onCommit: (run: SyncRun) => Promise<void>,
): Promise<PageOutcome> {
  const batches: GridRow[][] = [];
  for (let i = 0; i < page.rows.length; i += run.batchSize) {
    batches.push(page.rows.slice(i, i + run.batchSize));
  }
  if (batches.length === 0) batches.push([]);

  let expected = { cursor: run.cursorPosition, lastKey: run.lastKey };
  let committed = run;
  for (const [index, rows] of batches.entries()) {
    const lastRow = rows.at(-1);
    const next = lastRow
      ? { cursor: lastRow.id + 1, lastKey: lastRow.cells[definition.keyAlias] ?? expected.lastKey }
      : expected;
    const endsRun = index === batches.length - 1 && !page.moreRecords;
    const mapped = mapRows(definition, rows, timeZone);

    const result = await db.transaction(async (tx) => {
      const locked = await loadSyncRun(tx, run.id, { forUpdate: true });
      if (
        locked?.status !== "running" || locked.cursorPosition !== expected.cursor ||
        locked.lastKey !== expected.lastKey
      ) {
        return "superseded" as const;
      }
      if (locked.cancelRequestedAt) return (await cancelSyncRun(tx, run.id))!;

      const counts = await upsertBatch(tx, definition, run.organization, run.id, mapped);
      await quarantineRows(tx, run.id, run.organization, definition.name, mapped.quarantined);
      const quarantinedKeys = mapped.quarantined.flatMap((
        row,
      ) => (row.key === null ? [] : [row.key]));
      await stampSeen(tx, definition, run.organization, run.id, quarantinedKeys);

      const samples = [
        ...locked.errorSamples,
        ...mapped.quarantined.map((row) => `row ${row.position}: ${row.reason}`),
      ].slice(0, maxErrorSamples);
      const progressed = await advanceSyncRun(tx, run.id, {
        processed: rows.length,
        ...counts,
        errors: mapped.quarantined.length,
        cursorPosition: next.cursor,
        lastKey: next.lastKey,
        paging: page.paging,
        pageDone: index === batches.length - 1,
        maxLastModified: greatestLastModified(definition, mapped),
        errorSamples: samples,
      });

      if (!endsRun) return progressed;
      const deleted = progressed.mode === "full"
        ? await markUnseenDeleted(tx, definition, run.organization, run.id)
        : 0;
      return await completeSyncRun(tx, progressed, deleted);
    });

    if (result === "superseded") return "superseded";
    countSyncRows(committed, result);
    committed = result;
    await onCommit(result);
    if (result.status === "cancelled") return "cancelled";
    expected = next;
  }
  return "written";
}
