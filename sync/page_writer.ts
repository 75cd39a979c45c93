import type { Database } from "../db/database.ts";
import { quarantineRows, upsertBatch } from "../db/records.ts";
import { markUnseenDeleted, recordSeenKeys } from "../db/seen_keys.ts";
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
import { type Checkpoint, checkpointAfter, type PageRead } from "./page_reader.ts";
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

/** Resolves after pending I/O callbacks ran, so that queries just issued have been sent. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * Writes a page in batches of `run.batchSize`. Each batch is one transaction that locks the run
 * and checks that its checkpoint is where the batch starts, so a second delivery of the same job
 * writes nothing (`superseded`). A cancel request ends the run at the next batch boundary. The
 * batch that ends the last page also completes the run. A full sync then marks the rows it did
 * not see as deleted, in that same transaction.
 *
 * While Postgres runs a batch's upsert, the next batch is mapped. `onCommit` runs in the
 * background, one call after the other, and all calls have finished when this returns.
 *
 * The page's rows are handed over: `page.rows` is emptied at the start, and each batch is
 * released once it is committed, so that a page does not stay in memory until its end.
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
  page.rows = [];
  const mapped: (MappedBatch | undefined)[] = [];
  const mapBatch = (index: number) =>
    mapped[index] ??= mapRows(definition, batches[index], timeZone);

  let expected: Checkpoint = run;
  let committed = run;
  let publishing = Promise.resolve();
  try {
    for (let index = 0; index < batches.length; index++) {
      const rows = batches[index];
      const next = checkpointAfter(expected, rows, definition, page.paging);
      const endsRun = index === batches.length - 1 && !page.moreRecords;
      const batch = mapBatch(index);

      const result = await db.transaction(async (tx) => {
        const locked = await loadSyncRun(tx, run.id, { forUpdate: true });
        if (
          locked?.status !== "running" || locked.cursorPosition !== expected.cursorPosition ||
          locked.lastKey !== expected.lastKey
        ) {
          return "superseded" as const;
        }
        if (locked.cancelRequestedAt) return (await cancelSyncRun(tx, run.id))!;

        const upsert = upsertBatch(tx, definition, run.organization, run.id, batch);
        upsert.catch(() => {}); // awaited below, after the next batch is mapped
        if (index + 1 < batches.length) {
          await nextTurn();
          mapBatch(index + 1);
        }
        const counts = await upsert;
        await quarantineRows(tx, run.id, run.organization, definition.name, batch.quarantined);
        if (run.mode === "full") {
          const quarantinedKeys = batch.quarantined.flatMap((row) =>
            row.key === null ? [] : [row.key]
          );
          await recordSeenKeys(tx, run.id, [...batch.keys, ...quarantinedKeys]);
        }

        const samples = [
          ...locked.errorSamples,
          ...batch.quarantined.map((row) => `row ${row.position}: ${row.reason}`),
        ].slice(0, maxErrorSamples);
        const progressed = await advanceSyncRun(tx, run.id, {
          processed: rows.length,
          ...counts,
          errors: batch.quarantined.length,
          cursorPosition: next.cursorPosition,
          lastKey: next.lastKey,
          paging: page.paging,
          pageDone: index === batches.length - 1,
          maxLastModified: greatestLastModified(definition, batch),
          errorSamples: samples,
        });

        if (!endsRun) return progressed;
        const deleted = progressed.mode === "full"
          ? await markUnseenDeleted(tx, definition, run.organization, run.id)
          : 0;
        return await completeSyncRun(tx, progressed, deleted);
      });

      batches[index] = [];
      mapped[index] = undefined;
      if (result === "superseded") return "superseded";
      countSyncRows(committed, result);
      committed = result;
      publishing = publishing.then(() => onCommit(result));
      if (result.status === "cancelled") return "cancelled";
      expected = next;
    }
    return "written";
  } finally {
    await publishing;
  }
}
