/**
 * The two reference points of the benchmark, measured on the same rows as the sync: the raw
 * `COPY` ceiling and the per-row upsert baseline of the original system.
 *
 * The rows are read from the simulator and mapped with the service's own client and mapper
 * before any clock starts, so both figures cover only the writes.
 *
 * @module
 */

import type postgres from "postgres";
import { createEamClient } from "../sync/eam_client.ts";
import { pfaEntity } from "../sync/entities.ts";
import { organizationFilter } from "../sync/grid_request.ts";
import { type MappedBatch, mapRows } from "../sync/row_mapper.ts";

/** Rows written, time taken and rate of one baseline. */
export interface WriteMeasurement {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
}

/** Rows read from the simulator, ready for COPY and for per-row statements. */
export interface PreparedRows {
  rows: number;
  /** The rows in COPY text format, one chunk per page. Bytes stay outside the JS heap. */
  copyChunks: Uint8Array[];
  /** The first `sampleSize` rows as statement parameters for the per-row baseline. */
  sample: unknown[][];
}

const encoder = new TextEncoder();
const columnNames = [
  "organization",
  pfaEntity.keyColumn,
  ...pfaEntity.columns.map((column) => column.column),
  "raw",
  "first_seen_sync_id",
  "last_changed_sync_id",
];

/** Reads every PFA row of `organization` from the simulator at `url` and prepares it. */
export async function prepareRows(
  url: string,
  organization: string,
  pageSize: number,
  sampleSize: number,
): Promise<PreparedRows> {
  const client = createEamClient({
    url,
    auth: { type: "basic", username: "pems", password: "pems-demo" },
    tenant: "DEMO_DEV",
    organization,
  });
  const query = {
    grid: pfaEntity.grid,
    filters: [organizationFilter(pfaEntity.organizationAlias, organization)],
    sort: { alias: pfaEntity.keyAlias, direction: "ASC" as const },
  };
  const fields = await client.fetchFields(query);
  const syncRunId = crypto.randomUUID();
  const prepared: PreparedRows = { rows: 0, copyChunks: [], sample: [] };

  let cursor = 1;
  while (true) {
    const page = await client.fetchPage(query, cursor, pageSize, fields);
    const mapped = mapRows(pfaEntity, page.rows, "UTC");
    if (mapped.quarantined.length > 0) {
      throw new Error(
        `simulator row ${mapped.quarantined[0].position} did not map: ` +
          mapped.quarantined[0].reason,
      );
    }
    prepared.copyChunks.push(encoder.encode(copyText(mapped, organization, syncRunId)));
    for (let row = 0; row < mapped.keys.length && prepared.sample.length < sampleSize; row++) {
      prepared.sample.push(rowParameters(mapped, row, organization, syncRunId));
    }
    prepared.rows += mapped.keys.length;
    if (!page.moreRecords || page.rows.length === 0) return prepared;
    cursor = page.nextCursorPosition;
  }
}

/** Creates `table` as an empty copy of pfa_records, with its indexes and compression. */
export async function createRecordsTable(sql: postgres.Sql, table: string): Promise<void> {
  await sql.unsafe(`create table ${table} (like ${pfaEntity.table} including all)`);
}

/** Streams the prepared rows into an empty copy of pfa_records with one `COPY ... FROM STDIN`. */
export async function measureCopy(
  sql: postgres.Sql,
  prepared: PreparedRows,
): Promise<WriteMeasurement> {
  const table = "pems_bench_copy";
  await createRecordsTable(sql, table);
  const started = performance.now();
  const stream = await sql.unsafe(`copy ${table} (${columnNames.join(", ")}) from stdin`)
    .writable();
  const finished = new Promise<void>((resolve, reject) => {
    stream.on("finish", () => resolve());
    stream.on("error", reject);
  });
  for (const chunk of prepared.copyChunks) {
    if (!stream.write(chunk)) await new Promise((resolve) => stream.once("drain", resolve));
  }
  stream.end();
  await finished;
  const seconds = (performance.now() - started) / 1000;
  const [{ count }] = await sql.unsafe(`select count(*) as count from ${table}`);
  if (Number(count) !== prepared.rows) {
    throw new Error(`COPY stored ${count} rows of ${prepared.rows}`);
  }
  return { rows: prepared.rows, seconds, rowsPerSecond: prepared.rows / seconds };
}

/**
 * Upserts the sample rows one statement per row in autocommit mode, the way the original
 * system wrote, into an empty copy of pfa_records.
 */
export async function measurePerRow(
  sql: postgres.Sql,
  prepared: PreparedRows,
): Promise<WriteMeasurement> {
  const table = "pems_bench_per_row";
  await createRecordsTable(sql, table);
  const statement = perRowStatement(table);
  const started = performance.now();
  for (const parameters of prepared.sample) {
    await sql.unsafe(statement, parameters as postgres.ParameterOrJSON<never>[], { prepare: true });
  }
  const seconds = (performance.now() - started) / 1000;
  return { rows: prepared.sample.length, seconds, rowsPerSecond: prepared.sample.length / seconds };
}

function perRowStatement(table: string): string {
  const kinds = { text: "text", numeric: "numeric", integer: "integer", boolean: "boolean" };
  const casts = [
    "text",
    "text",
    ...pfaEntity.columns.map((column) =>
      column.kind === "timestamp" ? "timestamptz" : kinds[column.kind]
    ),
    "json",
    "uuid",
    "uuid",
  ];
  const values = casts.map((cast, index) => `$${index + 1}::${cast}`);
  const updates = pfaEntity.columns.map(({ column }) => `${column} = excluded.${column}`);
  return `insert into ${table} as t (${columnNames.join(", ")}) values (${values.join(", ")})
    on conflict (organization, ${pfaEntity.keyColumn}) do update set ${updates.join(", ")},
      raw = excluded.raw, last_changed_sync_id = excluded.last_changed_sync_id, updated_at = now()
    where t.raw::text <> excluded.raw::text`;
}

function rowParameters(
  mapped: MappedBatch,
  row: number,
  organization: string,
  syncRunId: string,
): unknown[] {
  return [
    organization,
    mapped.keys[row],
    ...mapped.columns.map((column) => column[row]),
    mapped.raws[row],
    syncRunId,
    syncRunId,
  ];
}

function copyText(mapped: MappedBatch, organization: string, syncRunId: string): string {
  const lines: string[] = new Array(mapped.keys.length);
  for (let row = 0; row < mapped.keys.length; row++) {
    const fields = rowParameters(mapped, row, organization, syncRunId).map(copyField);
    lines[row] = fields.join("\t") + "\n";
  }
  return lines.join("");
}

const copyEscapes: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

/** Formats one value in COPY's text format: `\N` for null, escapes for `\`, tab and newlines. */
function copyField(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  if (typeof value === "boolean") return value ? "t" : "f";
  return String(value).replace(/[\\\t\n\r]/g, (character) => copyEscapes[character]);
}
