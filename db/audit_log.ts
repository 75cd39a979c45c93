import type { Queryable } from "./database.ts";

/** One audited action: who did what to which target, and when. */
export interface AuditEntry {
  id: number;
  at: Date;
  userId: number | null;
  userEmail: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  organization: string | null;
  details: Record<string, unknown>;
}

/** A new audit entry. `details` must never contain a credential. */
export interface NewAuditEntry {
  user: { id: number; email: string } | null;
  action: string;
  targetType: string;
  targetId?: string | number | null;
  organization?: string | null;
  details?: Record<string, unknown>;
}

/** Appends an entry to the audit log. */
export async function recordAudit(db: Queryable, entry: NewAuditEntry): Promise<void> {
  await db.query(
    `insert into audit_log (user_id, user_email, action, target_type, target_id, organization, details)
     values ($1, $2, $3, $4, $5, $6, $7::text::jsonb)`,
    [
      entry.user?.id ?? null,
      entry.user?.email ?? null,
      entry.action,
      entry.targetType,
      entry.targetId === undefined || entry.targetId === null ? null : String(entry.targetId),
      entry.organization ?? null,
      JSON.stringify(entry.details ?? {}),
    ],
  );
}

/** Lists entries newest first; `before` continues below that entry id. */
export async function listAudit(
  db: Queryable,
  options: { limit: number; before?: number },
): Promise<AuditEntry[]> {
  const rows = await db.query<Record<string, any>>(
    `select * from audit_log where ($1::bigint is null or id < $1) order by id desc limit $2`,
    [options.before ?? null, options.limit],
  );
  return rows.map((row) => ({
    id: Number(row.id),
    at: row.at,
    userId: row.user_id === null ? null : Number(row.user_id),
    userEmail: row.user_email,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    organization: row.organization,
    details: row.details,
  }));
}
