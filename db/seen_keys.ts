import type { EntityDefinition } from "../sync/entities.ts";
import type { Queryable } from "./database.ts";
import { arrayLiteral } from "./records.ts";

/**
 * Records keys that a full sync run has read, in the transaction of their batch. Quarantined
 * rows count as read too, so that a row with a bad new cell keeps its stored version.
 */
export async function recordSeenKeys(
  tx: Queryable,
  syncRunId: string,
  keys: readonly string[],
): Promise<void> {
  if (keys.length === 0) return;
  await tx.query(
    "insert into sync_run_seen_keys (sync_run_id, record_key) select $1::uuid, unnest($2::text::text[])",
    [syncRunId, arrayLiteral(keys, true)],
  );
}

/**
 * Marks the rows of an organization that a full sync run did not read as deleted, and returns how
 * many. Call it only in the transaction that commits the run's last batch and completes the run.
 * A trigger then drops the run's keys.
 */
export async function markUnseenDeleted(
  tx: Queryable,
  definition: EntityDefinition,
  organization: string,
  syncRunId: string,
): Promise<number> {
  // The planner's statistics predate the run's keys, so it may pick a nested loop that scans all
  // keys once per row, which took minutes for 50,000 rows. A hash join reads each key once.
  await tx.query("set local enable_nestloop = off");
  const [row] = await tx.query<{ count: number | string }>(
    `with marked as (
       update ${definition.table} as t set deleted_at = now(), updated_at = now()
       where t.organization = $1 and t.deleted_at is null
         and not exists (
           select 1 from sync_run_seen_keys as seen
           where seen.sync_run_id = $2::uuid and seen.record_key = t.${definition.keyColumn}
         )
       returning 1
     )
     select count(*) as count from marked`,
    [organization, syncRunId],
  );
  await tx.query("reset enable_nestloop");
  return Number(row.count);
}
