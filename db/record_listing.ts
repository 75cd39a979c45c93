import type { EntityDefinition } from "../sync/entities.ts";
import type { Queryable } from "./database.ts";

/** Lists an organization's stored rows of an entity by key; `after` continues after that key. */
export async function listRecords(
  db: Queryable,
  definition: EntityDefinition,
  organization: string,
  options: { limit: number; after?: string; includeDeleted?: boolean },
): Promise<Record<string, unknown>[]> {
  const key = definition.keyColumn;
  const columns = definition.columns.map((column) => column.column);
  return await db.query(
    `select organization, ${key}, ${columns.join(", ")}, raw, first_seen_sync_id,
            last_changed_sync_id, created_at, updated_at, deleted_at
     from ${definition.table}
     where organization = $1 and ($2::text is null or ${key} > $2)
       and ($3::boolean or deleted_at is null)
     order by ${key} limit $4`,
    [organization, options.after ?? null, options.includeDeleted ?? false, options.limit],
  );
}
