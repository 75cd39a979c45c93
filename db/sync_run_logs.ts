import { log, type LogLevel } from "../lib/log.ts";
import type { Queryable } from "./database.ts";
import type { SyncRun } from "./sync_runs.ts";

/** One log line of a sync run, as the run's admin page lists it. */
export interface SyncRunLogLine {
  id: number;
  time: Date;
  level: LogLevel;
  message: string;
  /** Details such as `page`, `rows` and `durationMs`; never a secret. */
  fields: Record<string, unknown>;
}

/** A log line to append to a run. Error values in `fields` are stored as their message. */
export interface NewSyncRunLogLine {
  level: LogLevel;
  message: string;
  fields?: Record<string, unknown>;
}

/** A page of a run's log lines, oldest first; `next` is the id to continue after, if any. */
export interface SyncRunLogPage {
  lines: SyncRunLogLine[];
  next: number | null;
}

function storableFields(fields: Record<string, unknown>): string {
  const entries = Object.entries(fields).map(([key, value]) => [
    key,
    value instanceof Error ? value.message : value,
  ]);
  return JSON.stringify(Object.fromEntries(entries));
}

/**
 * Appends a log line to a sync run with one insert. The run log is a record for admins, so a
 * failed insert is written to the service log and the promise still resolves: it never fails
 * the run. Call it outside batch transactions, where it would hold up the batch (and, on
 * PGlite, wait for the transaction to end).
 */
export async function appendSyncRunLog(
  db: Queryable,
  syncRunId: string,
  line: NewSyncRunLogLine,
): Promise<void> {
  try {
    await db.query(
      `insert into sync_run_logs (sync_run_id, level, message, fields)
       values ($1, $2, $3, $4::text::jsonb)`,
      [syncRunId, line.level, line.message, storableFields(line.fields ?? {})],
    );
  } catch (error) {
    log("warn", "sync run log line not stored", {
      runId: syncRunId,
      runLogMessage: line.message,
      error,
    });
  }
}

/** Lists a run's log lines oldest first, with keyset paging on the line id. */
export async function listSyncRunLogs(
  db: Queryable,
  syncRunId: string,
  options: { limit: number; after?: number },
): Promise<SyncRunLogPage> {
  const rows = await db.query<Record<string, any>>(
    `select id, time, level, message, fields from sync_run_logs
     where sync_run_id = $1 and id > $2
     order by id limit $3`,
    [syncRunId, options.after ?? 0, options.limit + 1],
  );
  const lines = rows.slice(0, options.limit).map((row) => ({
    id: Number(row.id),
    time: row.time,
    level: row.level,
    message: row.message,
    fields: row.fields ?? {},
  }));
  const next = rows.length > options.limit ? lines[lines.length - 1].id : null;
  return { lines, next };
}

/**
 * Appends "run completed" with the run's counts, or "run cancelled" with the rows processed.
 * A run in any other state gets no line.
 */
export async function appendRunEndLog(db: Queryable, run: SyncRun): Promise<void> {
  if (run.status === "completed") {
    await appendSyncRunLog(db, run.id, {
      level: "info",
      message: "run completed",
      fields: {
        processed: run.processedRecords,
        inserted: run.insertedRecords,
        updated: run.updatedRecords,
        unchanged: run.unchangedRecords,
        errors: run.errorRecords,
        deleted: run.deletedRecords,
      },
    });
  } else if (run.status === "cancelled") {
    await appendSyncRunLog(db, run.id, {
      level: "info",
      message: "run cancelled",
      fields: { processed: run.processedRecords },
    });
  }
}
