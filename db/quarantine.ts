import type { Queryable } from "./database.ts";

/** A row a sync run could not store, with the raw cells EAM sent. */
export interface QuarantinedRowView {
  rowPosition: number;
  recordKey: string | null;
  field: string | null;
  reason: string;
  raw: Record<string, string>;
  createdAt: Date;
}

/** Lists a run's quarantined rows by position; `after` continues after that row position. */
export async function listQuarantinedRows(
  db: Queryable,
  syncRunId: string,
  options: { limit: number; after?: number },
): Promise<QuarantinedRowView[]> {
  const rows = await db.query<Record<string, any>>(
    `select row_position, record_key, field, reason, raw, created_at from quarantined_rows
     where sync_run_id = $1 and row_position > $2
     order by row_position limit $3`,
    [syncRunId, options.after ?? 0, options.limit],
  );
  return rows.map((row) => ({
    rowPosition: Number(row.row_position),
    recordKey: row.record_key,
    field: row.field,
    reason: row.reason,
    raw: row.raw,
    createdAt: row.created_at,
  }));
}
