import type { EntityDefinition } from "../sync/entities.ts";
import type { MappedBatch, QuarantinedRow } from "../sync/row_mapper.ts";
import type { Queryable } from "./database.ts";

/** Counts of one batch upsert by outcome. */
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
 * Builds the set-based upsert of an entity: one `unnest` over column arrays. A row whose raw
 * cells did not change, and which is not marked deleted, is only locked, not updated, so it gets
 * no new row version. An inserted or changed row gets the run's id as `last_changed_sync_id`.
 *
 * Parameters: $1 organization, $2 sync run id, $3 keys, $4 raw rows, then one per column. All but
 * $2 are text: the arrays as array literals and the raw rows as JSON lines (see
 * {@link upsertParameters}), which Postgres parses faster than postgres.js serializes arrays.
 *
 * Only inserted and changed rows come back, and an inserted row has `xmax = 0`.
 */
function upsertStatement(definition: EntityDefinition): string {
  const cached = upsertStatements.get(definition.name);
  if (cached) return cached;
  const { table, keyColumn, columns } = definition;
  const names = columns.map((column) => column.column);
  const arrays = columns.map((column, i) => `$${i + 5}::text::${sqlTypes[column.kind]}[]`);
  // Equal text is the common case and cheap to test. Different text may still be the same
  // object (rows stored before migration 006 have jsonb's key order), so it is parsed only then.
  const changed = "t.deleted_at is not null or (t.raw::text <> excluded.raw::text" +
    " and t.raw::jsonb <> excluded.raw::jsonb)";
  const statement = `
    with written as (
      insert into ${table} as t (organization, ${keyColumn}, ${names.join(", ")}, raw,
                                 first_seen_sync_id, last_changed_sync_id)
      select $1::text, input.*, $2::uuid, $2::uuid
      from unnest($3::text::text[], ${arrays.join(", ")},
                  string_to_array($4::text, E'\\n')::json[])
        as input(${keyColumn}, ${names.join(", ")}, raw)
      on conflict (organization, ${keyColumn}) do update set
        ${names.map((name) => `${name} = excluded.${name}`).join(", ")},
        raw = excluded.raw,
        updated_at = now(),
        last_changed_sync_id = excluded.last_changed_sync_id,
        deleted_at = null
      where ${changed}
      returning (xmax = 0) as inserted
    )
    select count(*) filter (where inserted) as inserted,
           count(*) filter (where not inserted) as updated
    from written`;
  upsertStatements.set(definition.name, statement);
  return statement;
}

/**
 * Returns the parameters of {@link upsertStatement} for a batch. Text arrays become array
 * literals with every element quoted; numbers, booleans and the canonical decimal and timestamp
 * strings of the cell parsers need no quotes. The raw rows are joined with newlines, which JSON
 * text never contains unescaped.
 */
function upsertParameters(
  definition: EntityDefinition,
  organization: string,
  syncRunId: string,
  batch: MappedBatch,
): string[] {
  const parameters = [
    organization,
    syncRunId,
    arrayLiteral(batch.keys, true),
    batch.raws.join("\n"),
  ];
  for (let i = 0; i < definition.columns.length; i++) {
    parameters.push(arrayLiteral(batch.columns[i], definition.columns[i].kind === "text"));
  }
  return parameters;
}

/**
 * Formats values as a Postgres array literal such as `{"a","b \"c\"",NULL}`. With `quote`, each
 * element is double-quoted, with `"` and `\` escaped. Without it, elements must be free of
 * `{}",\` and white space, as numbers, booleans and ISO 8601 timestamps are.
 */
export function arrayLiteral(values: readonly unknown[], quote: boolean): string {
  let literal = "{";
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) literal += ",";
    if (value === null || value === undefined) {
      literal += "NULL";
    } else if (typeof value === "boolean") {
      literal += value ? "t" : "f";
    } else if (!quote) {
      literal += String(value);
    } else {
      const text = String(value);
      const plain = text.indexOf('"') < 0 && text.indexOf("\\") < 0;
      literal += `"${plain ? text : text.replace(/["\\]/g, "\\$&")}"`;
    }
  }
  return literal + "}";
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
    upsertParameters(definition, organization, syncRunId, batch),
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
