import type { Queryable } from "./database.ts";
import { type SyncRun, type SyncStatus, toSyncRun } from "./sync_runs.ts";

/**
 * Position of a run in the history: its `created_at` as text with all six fractional digits, and
 * its id, which breaks ties. A JavaScript Date keeps only milliseconds, so a cursor made from one
 * would skip runs created later in the same millisecond.
 */
export interface HistoryPosition {
  createdAt: string;
  id: string;
}

/** Filters and page of {@linkcode listSyncHistory}. */
export interface SyncHistoryQuery {
  organization?: string;
  /** Only runs of these organizations; undefined for all. */
  organizationScope?: string[];
  apiConfigId?: number;
  status?: SyncStatus;
  limit: number;
  /** Continue after this run; omitted for the newest runs. */
  after?: HistoryPosition;
}

/** One run of the history with the email of the user who started it. */
export interface SyncHistoryEntry {
  run: SyncRun;
  /** Null for runs started by the scheduler or by a user who was deleted. */
  startedByEmail: string | null;
  position: HistoryPosition;
}

/** A page of history, newest first; `next` is set when older runs follow. */
export interface SyncHistoryPage {
  entries: SyncHistoryEntry[];
  next: HistoryPosition | null;
}

/**
 * Lists sync runs newest first with keyset pagination on (created_at, id), so pages stay stable
 * while new runs are added.
 */
export async function listSyncHistory(
  db: Queryable,
  query: SyncHistoryQuery,
): Promise<SyncHistoryPage> {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const where = (condition: (placeholder: string) => string, value: unknown) => {
    params.push(value);
    conditions.push(condition(`$${params.length}`));
  };
  if (query.organization !== undefined) {
    where((p) => `r.organization = ${p}`, query.organization);
  }
  if (query.organizationScope !== undefined) {
    where((p) => `r.organization = any(${p}::text[])`, query.organizationScope);
  }
  if (query.apiConfigId !== undefined) {
    where((p) => `r.api_configuration_id = ${p}`, query.apiConfigId);
  }
  if (query.status !== undefined) where((p) => `r.status = ${p}`, query.status);
  if (query.after) {
    params.push(query.after.createdAt, query.after.id);
    conditions.push(
      `(r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`,
    );
  }
  params.push(query.limit + 1);
  const rows = await db.query<Record<string, any>>(
    `select r.*, u.email,
       to_char(r.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as position_time
     from sync_runs r left join users u on u.id = r.started_by
     ${conditions.length > 0 ? `where ${conditions.join(" and ")}` : ""}
     order by r.created_at desc, r.id desc
     limit $${params.length}`,
    params,
  );

  const page = rows.slice(0, query.limit);
  const entries: SyncHistoryEntry[] = page.map((row) => ({
    run: toSyncRun(row),
    startedByEmail: row.email,
    position: { createdAt: row.position_time, id: row.id },
  }));
  const last = page.at(-1);
  const next = rows.length > query.limit && last
    ? { createdAt: last.position_time, id: last.id }
    : null;
  return { entries, next };
}

/** Counts the stored runs of each status; statuses without runs count 0. */
export async function countSyncRunsByStatus(db: Queryable): Promise<Record<SyncStatus, number>> {
  const counts: Record<SyncStatus, number> = {
    queued: 0,
    running: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
  };
  const rows = await db.query<{ status: SyncStatus; count: string | number }>(
    "select status, count(*) as count from sync_runs group by status",
  );
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}
