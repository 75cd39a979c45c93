import type { Database } from "../db/database.ts";
import { cancelSyncRun, type SyncRun } from "../db/sync_runs.ts";
import { countSyncRows } from "../lib/metrics.ts";
import type { GridRow } from "./eam_client.ts";
import { type BatchResult, writeBatch } from "./batch_writer.ts";
import type { EntityDefinition } from "./entities.ts";
import { type Checkpoint, checkpointAfter, type PageRead } from "./page_reader.ts";
import { type MappedBatch, mapRows } from "./row_mapper.ts";

/** Outcome of writing a page: all batches written, or stopped early. */
export type PageOutcome = "written" | "superseded" | "cancelled";

/** Resolves after pending I/O callbacks ran, so that queries just issued have been sent. */
const nextTurn = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** A batch transaction in flight, and a promise of the moment its upsert was sent. */
interface InFlight {
  result: Promise<BatchResult>;
  sent: Promise<void>;
}

/**
 * Writes a page in batches of `run.batchSize`, one transaction each (see {@link writeBatch}).
 * Two transactions overlap: the next batch's rows are written while the batch before commits,
 * and the next batch is mapped while Postgres runs an upsert. The transactions still commit in
 * order, each after checking that the checkpoint is where its batch starts, so a second delivery
 * of the same job writes nothing (`superseded`). A cancel request ends the run at a batch
 * boundary. `onCommit` runs in the background, one call after the other, and all calls have
 * finished when this returns.
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

  let from: Checkpoint = run;
  let mapped: MappedBatch | undefined = mapRows(definition, batches[0], timeZone);
  let previous: InFlight | undefined;
  let committed = run;
  let publishing = Promise.resolve();

  const startBatch = (index: number, batch: MappedBatch): InFlight => {
    const rows = batches[index];
    const to = checkpointAfter(from, rows, definition, page.paging);
    let upsertSent = () => {};
    const sent = new Promise<void>((resolve) => upsertSent = resolve);
    const result = writeBatch(db, {
      run,
      definition,
      batch,
      from,
      to,
      pageDone: index === batches.length - 1,
      endsRun: index === batches.length - 1 && !page.moreRecords,
      previous: previous?.result,
      onUpsertSent: upsertSent,
    });
    batches[index] = [];
    from = to;
    // A transaction that fails before its upsert still ends the wait for it.
    return { result, sent: Promise.race([sent, result.then(() => {}, () => {})]) };
  };

  /** Waits for a batch's transaction and handles its result. Returns how the page ends, if it does. */
  const settle = async (inFlight: InFlight): Promise<PageOutcome | undefined> => {
    const result = await inFlight.result;
    if (result === "superseded") return "superseded";
    const done = result === "cancel" ? await cancelSyncRun(db, run.id) : result;
    if (!done) return "superseded";
    countSyncRows(committed, done);
    committed = done;
    publishing = publishing.then(() => onCommit(done));
    return done.status === "cancelled" ? "cancelled" : undefined;
  };

  try {
    for (let index = 0; index < batches.length; index++) {
      const current = startBatch(index, mapped!);
      mapped = undefined;
      await current.sent;
      if (index + 1 < batches.length) {
        await nextTurn();
        mapped = mapRows(definition, batches[index + 1], timeZone);
      }
      if (previous) {
        const outcome = await settle(previous).catch(async (error) => {
          await current.result.catch(() => {});
          throw error;
        });
        if (outcome) {
          // The next batch finds the checkpoint where it was, so it rolls back.
          await current.result.catch(() => {});
          return outcome;
        }
      }
      previous = current;
    }
    return (await settle(previous!)) ?? "written";
  } finally {
    await publishing;
  }
}
