import type { EntityDefinition } from "../sync/entities.ts";
import type { MappedBatch, QuarantinedRow } from "../sync/row_mapper.ts";
import type { Queryable } from "./database.ts";

/** What an upsert did to the rows of one batch. */
export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

const sqlTypes = {
  text: "text",
  numeric: "numeric",
  integer: "integer",
  boolean: "boolean",
  timestamp: "timestamptz",
} as const;

const upsertStatements = new Map<string, string>();

/**
 * Builds the set-based upsert of an entity: one `unnest` over column arrays. Every row gets the
 * run's id as `last_seen_sync_id`, so a full sync can later mark the rows it did not see as
 * deleted; `updated_at` moves only when the raw cells changed or the row had been deleted.
 * Parameters: $1 organization, $2 sync run id, $3 keys, $4 raw rows, then one per column.
 */
function upsertStatement(definition: EntityDefinition): string {
  const cached = upsertStatements.get(definition.name);
  if (cached) return cached;
  const { table, keyColumn, columns } = definition;
  const names = columns.map((column) => column.column);
  const arrays = columns.map((column, i) => `$${i + 5}::${sqlTypes[column.kind]}[]`);
  const statement = `
    with input as (
      select * from unnest($3::text[], ${arrays.join(", ")}, $4::text[]::jsonb[])
        as input(${keyColumn}, ${names.join(", ")}, raw)
    ),
    prior as (
      select t.${keyColumn}, (t.raw is distinct from input.raw or t.deleted_at is not null) as changed
      from ${table} t join input using (${keyColumn})
      where t.organization = $1::text
    ),
    upserted as (
      insert into ${table} as t (organization, ${keyColumn}, ${names.join(", ")}, raw,
                                 first_seen_sync_id, last_seen_sync_id)
      select $1::text, input.*, $2::uuid, $2::uuid from input
      on conflict (organization, ${keyColumn}) do update set
        ${names.map((name) => `${name} = excluded.${name}`).join(", ")},
        updated_at = case when t.raw is distinct from excluded.raw or t.deleted_at is not null
                          then now() else t.updated_at end,
        raw = excluded.raw,
        last_seen_sync_id = excluded.last_seen_sync_id,
        deleted_at = null
    )
    select count(*) filter (where prior.${keyColumn} is null) as inserted,
           count(*) filter (where prior.changed) as updated
    from input left join prior using (${keyColumn})`;
  upsertStatements.set(definition.name, statement);
  return statement;
}

/**
 * Marks the rows of an organization that a full sync run did not see as deleted; returns how many.
 * Call it only after the run's last page committed, in the transaction that completes the run.
 */
export async function markUnseenDeleted(
  tx: Queryable,
  definition: EntityDefinition,
  organization: string,
  syncRunId: string,
): Promise<number> {
  const rows = await tx.query(
    `update ${definition.table} set deleted_at = now(), updated_at = now()
     where organization = $1 and deleted_at is null and last_seen_sync_id <> $2::uuid
     returning 1`,
    [organization, syncRunId],
  );
  return rows.length;
}

/** Upserts one mapped batch for an organization and returns the counts. */
export async function upsertBatch(
  tx: Queryable,
  definition: EntityDefinition,
  organization: string,
  syncRunId: string,
  batch: MappedBatch,
): Promise<UpsertCounts> {
  if (batch.keys.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const [row] = await tx.query<{ inserted: number | string; updated: number | string }>(
    upsertStatement(definition),
    [organization, syncRunId, batch.keys, batch.raws, ...batch.columns],
  );
  const inserted = Number(row.inserted);
  const updated = Number(row.updated);
  return { inserted, updated, unchanged: batch.keys.length - inserted - updated };
}

/** Stores rows that failed to parse; a row quarantined again by a retried batch is kept once. */
export async function quarantineRows(
  tx: Queryable,
  syncRunId: string,
  organization: string,
  entity: string,
  rows: QuarantinedRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into quarantined_rows
       (sync_run_id, organization, entity, row_position, record_key, field, reason, raw)
     select $1::uuid, $2::text, $3::text, input.*
     from unnest($4::integer[], $5::text[], $6::text[], $7::text[], $8::text[]::jsonb[])
       as input(row_position, record_key, field, reason, raw)
     on conflict (sync_run_id, row_position) do nothing`,
    [
      syncRunId,
      organization,
      entity,
      rows.map((row) => row.position),
      rows.map((row) => row.key),
      rows.map((row) => row.field),
      rows.map((row) => row.reason),
      rows.map((row) => JSON.stringify(row.raw)),
    ],
  );
}

/** Counts the stored, not deleted rows of an entity for an organization. */
export async function countRecords(
  db: Queryable,
  definition: EntityDefinition,
  organization: string,
): Promise<number> {
  const [row] = await db.query<{ count: number | string }>(
    `select count(*) as count from ${definition.table}
     where organization = $1 and deleted_at is null`,
    [organization],
  );
  return Number(row.count);
}

/**
 * Stamps existing rows as seen by a run without changing them; used for rows whose new cells
 * were quarantined, so that a full sync does not mark them deleted.
 */
export async function stampSeen(
  tx: Queryable,
  definition: EntityDefinition,
  organization: string,
  syncRunId: string,
  keys: string[],
): Promise<void> {
  if (keys.length === 0) return;
  await tx.query(
    `update ${definition.table} set last_seen_sync_id = $2::uuid
     where organization = $1 and ${definition.keyColumn} = any($3::text[])`,
    [organization, syncRunId, keys],
  );
}
