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
 * Builds the set-based upsert of an entity: one `unnest` over column arrays, updating a row only
 * when its raw cells changed (or it was marked deleted), so unchanged rows cost no write.
 * Parameters: $1 organization, $2 sync run id, $3 keys, $4 raw rows, then one per column.
 */
function upsertStatement(definition: EntityDefinition): string {
  const cached = upsertStatements.get(definition.name);
  if (cached) return cached;
  const { table, keyColumn, columns } = definition;
  const names = columns.map((column) => column.column);
  const arrays = columns.map((column, i) => `$${i + 5}::${sqlTypes[column.kind]}[]`);
  const statement = `
    with upserted as (
      insert into ${table} as t (organization, ${keyColumn}, ${names.join(", ")}, raw,
                                 first_seen_sync_id, last_seen_sync_id)
      select $1::text, input.*, $2::uuid, $2::uuid
      from unnest($3::text[], ${arrays.join(", ")}, $4::text[]::jsonb[])
        as input(${keyColumn}, ${names.join(", ")}, raw)
      on conflict (organization, ${keyColumn}) do update set
        ${names.map((name) => `${name} = excluded.${name}`).join(", ")},
        raw = excluded.raw,
        last_seen_sync_id = excluded.last_seen_sync_id,
        updated_at = now(),
        deleted_at = null
      where t.raw is distinct from excluded.raw or t.deleted_at is not null
      returning (xmax = 0) as inserted
    )
    select count(*) filter (where inserted) as inserted,
           count(*) filter (where not inserted) as updated
    from upserted`;
  upsertStatements.set(definition.name, statement);
  return statement;
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
