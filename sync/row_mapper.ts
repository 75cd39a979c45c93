import {
  CellValueError,
  parseBoolean,
  parseDate,
  parseInteger,
  parseNumber,
  parseText,
} from "./cell_values.ts";
import type { GridRow } from "./eam_client.ts";
import type { ColumnKind, EntityDefinition } from "./entities.ts";

/** A row that could not be stored, with the reason. */
export interface QuarantinedRow {
  position: number;
  key: string | null;
  field: string | null;
  reason: string;
  raw: Record<string, string>;
}

/** Rows of one batch as column arrays, ready for an `unnest` upsert. */
export interface MappedBatch {
  keys: string[];
  /** One array per entity column, in the order of `EntityDefinition.columns`. */
  columns: unknown[][];
  /** The raw row of each key as JSON text. */
  raws: string[];
  quarantined: QuarantinedRow[];
}

type Parser = (text: string, timeZone: string) => unknown;

const parsers: Record<ColumnKind, Parser> = {
  text: parseText,
  numeric: parseNumber,
  integer: parseInteger,
  boolean: parseBoolean,
  timestamp: parseDate,
};

/**
 * Parses grid rows into column arrays. A row with no key, a key seen earlier in the batch, or a
 * cell that does not parse goes to `quarantined` instead, and the other rows are kept.
 */
export function mapRows(
  definition: EntityDefinition,
  rows: GridRow[],
  timeZone: string,
): MappedBatch {
  const batch: MappedBatch = {
    keys: [],
    columns: definition.columns.map(() => []),
    raws: [],
    quarantined: [],
  };
  const seen = new Set<string>();
  const values: unknown[] = new Array(definition.columns.length);

  for (const row of rows) {
    const key = parseText(row.cells[definition.keyAlias] ?? "");
    const reject = (field: string | null, reason: string) =>
      batch.quarantined.push({ position: row.id, key, field, reason, raw: row.cells });
    if (key === null) {
      reject(definition.keyAlias, `missing key ${definition.keyAlias}`);
      continue;
    }
    if (seen.has(key)) {
      reject(definition.keyAlias, `duplicate key ${key} in one batch`);
      continue;
    }
    const failure = parseCells(definition, row.cells, timeZone, values);
    if (failure) {
      reject(failure.field, failure.reason);
      continue;
    }
    seen.add(key);
    batch.keys.push(key);
    for (let i = 0; i < values.length; i++) batch.columns[i].push(values[i]);
    batch.raws.push(JSON.stringify(row.cells));
  }
  return batch;
}

function parseCells(
  definition: EntityDefinition,
  cells: Record<string, string>,
  timeZone: string,
  into: unknown[],
): { field: string; reason: string } | undefined {
  const columns = definition.columns;
  for (let i = 0; i < columns.length; i++) {
    const column = columns[i];
    try {
      into[i] = parsers[column.kind](cells[column.alias] ?? "", timeZone);
    } catch (error) {
      if (!(error instanceof CellValueError)) throw error;
      return { field: column.alias, reason: error.message };
    }
  }
  return undefined;
}
