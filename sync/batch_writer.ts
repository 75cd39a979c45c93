import type { Database } from "../db/database.ts";
import { quarantineRows, upsertBatch } from "../db/records.ts";
import { markUnseenDeleted, recordSeenKeys } from "../db/seen_keys.ts";
import {
  advanceSyncRun,
  type BatchProgress,
  completeSyncRun,
  loadSyncRun,
  type SyncRun,
} from "../db/sync_runs.ts";
import type { EntityDefinition } from "./entities.ts";
import type { Checkpoint } from "./page_reader.ts";
import type { MappedBatch } from "./row_mapper.ts";

const maxErrorSamples = 5;

/**
 * Result of a batch transaction: the run as committed, or why nothing was committed. The run's
 * checkpoint was elsewhere (`superseded`), or a cancel had been requested (`cancel`).
 */
export type BatchResult = SyncRun | "superseded" | "cancel";

/** One batch of a page and where it sits in the run. */
export interface BatchWrite {
  /** The run as its page started. */
  run: SyncRun;
  definition: EntityDefinition;
  batch: MappedBatch;
  from: Checkpoint;
  to: Checkpoint;
  pageDone: boolean;
  /** The batch ends the run's last page: the transaction completes the run. */
  endsRun: boolean;
  /** The transaction of the batch before, which must commit before this one locks the run. */
  previous?: Promise<BatchResult>;
  /** Called once the upsert of the batch has been sent. */
  onUpsertSent?: () => void;
}

/** Thrown inside a batch transaction to roll it back. */
class Rollback extends Error {
  constructor(readonly reason: "superseded" | "cancel") {
    super(reason);
  }
}

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
 * Writes one batch in one transaction. The rows go first, so that Postgres can write them while
 * the batch before is still committing. Then the transaction waits for `previous`, locks the run
 * and checks that its checkpoint is `from`. When it is not, or a cancel was requested, the
 * transaction rolls back and nothing of the batch stays. Otherwise it advances the checkpoint
 * and the counts to `to`. The batch that ends the run also completes it, and a full run then
 * marks the rows it did not read as deleted.
 */
export async function writeBatch(db: Database, write: BatchWrite): Promise<BatchResult> {
  const { run, definition, batch } = write;
  try {
    return await db.transaction(async (tx) => {
      const upsert = upsertBatch(tx, definition, run.organization, run.id, batch);
      write.onUpsertSent?.();
      const counts = await upsert;
      await quarantineRows(tx, run.id, run.organization, definition.name, batch.quarantined);
      if (run.mode === "full") {
        const quarantinedKeys = batch.quarantined.flatMap((row) =>
          row.key === null ? [] : [row.key]
        );
        await recordSeenKeys(tx, run.id, [...batch.keys, ...quarantinedKeys]);
      }

      if (write.previous) {
        const before = await write.previous.catch(() => undefined);
        const committed = before !== undefined && typeof before !== "string";
        if (!committed) throw new Rollback("superseded");
      }
      const locked = await loadSyncRun(tx, run.id, { forUpdate: true });
      if (
        locked?.status !== "running" || locked.cursorPosition !== write.from.cursorPosition ||
        locked.lastKey !== write.from.lastKey
      ) {
        throw new Rollback("superseded");
      }
      if (locked.cancelRequestedAt) throw new Rollback("cancel");

      const progress: BatchProgress = {
        // Every row read is either stored or quarantined.
        processed: batch.keys.length + batch.quarantined.length,
        ...counts,
        errors: batch.quarantined.length,
        cursorPosition: write.to.cursorPosition,
        lastKey: write.to.lastKey,
        paging: write.to.paging,
        pageDone: write.pageDone,
        maxLastModified: greatestLastModified(definition, batch),
        errorSamples: [
          ...locked.errorSamples,
          ...batch.quarantined.map((row) => `row ${row.position}: ${row.reason}`),
        ].slice(0, maxErrorSamples),
      };
      const progressed = await advanceSyncRun(tx, run.id, progress);
      if (!write.endsRun) return progressed;
      const deleted = progressed.mode === "full"
        ? await markUnseenDeleted(tx, definition, run.organization, run.id)
        : 0;
      return await completeSyncRun(tx, progressed, deleted);
    });
  } catch (error) {
    if (error instanceof Rollback) return error.reason;
    throw error;
  }
}
