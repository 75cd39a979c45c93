/**
 * Decoding of Grid Data responses: the alert envelope, column definitions, counts and rows.
 *
 * A response has the shape `{ Result: { ResultData: { GRID: { METADATA, FIELDS, DATA,
 * "TOTAL-COUNT" } } }, ErrorAlert: [] }`. Rows are `{ id, D: [{ n, value }] }`, where `n` is
 * the `aliasnum` of a field in `FIELDS.FIELD`.
 *
 * @module
 */

import { CellValueError, parseInteger } from "./cell_values.ts";
import { type ScannedRows, scanRowArray } from "./grid_rows.ts";
import {
  alertError,
  type EamAlert,
  protocolError,
  quote,
  RETRYABLE_STATUSES,
  statusError,
} from "./eam_error.ts";

/** A grid column: its number in row cells, alias name, display label and EAM data type. */
export interface GridField {
  aliasnum: number;
  name: string;
  label: string;
  type: string;
}

/** A grid row: its cursor position and the raw cell text by alias name ("" for absent cells). */
export interface GridRow {
  id: number;
  cells: Record<string, string>;
}

/**
 * One page of rows. `nextCursorPosition` is the cursor of the row after the last one, or the
 * requested cursor when the page is empty. `totalCount` is null when EAM sent no total.
 */
export interface GridPage {
  rows: GridRow[];
  moreRecords: boolean;
  nextCursorPosition: number;
  totalCount: number | null;
}

// deno-lint-ignore no-explicit-any
type Json = any;

/**
 * Checks the status and body of a Grid Data response and returns `Result.ResultData`.
 *
 * @throws {EamError} for an error status, an ErrorAlert (also with HTTP 200), a body that is
 * not JSON, or a missing `Result.ResultData`.
 */
export function readResultData(
  status: number,
  bodyText: string,
  retryAfterMs: number | undefined,
): Json {
  if (status === 401 || status === 403 || RETRYABLE_STATUSES.has(status)) {
    throw statusError(status, bodyText, retryAfterMs);
  }

  let envelope: Json = status >= 200 && status <= 299 ? parseScanningRows(bodyText) : undefined;
  if (envelope === undefined) {
    try {
      envelope = JSON.parse(bodyText);
    } catch {
      if (status < 200 || status > 299) throw statusError(status, bodyText, retryAfterMs);
      throw protocolError(`is not JSON: "${quote(bodyText)}"`, status);
    }
  }

  const alerts = errorAlerts(envelope);
  if (alerts.length > 0) throw alertError(alerts, status);
  if (status < 200 || status > 299) throw statusError(status, bodyText, retryAfterMs);

  const resultData = envelope?.Result?.ResultData;
  if (resultData === null || typeof resultData !== "object") {
    throw protocolError("has no Result.ResultData object", status);
  }
  return resultData;
}

/**
 * Returns the columns in `ResultData.GRID.FIELDS.FIELD`, or undefined when FIELDS is absent.
 *
 * @throws {EamError} of kind "protocol" for a field without a name or a numeric aliasnum.
 */
export function decodeFields(resultData: Json): GridField[] | undefined {
  const fieldList = resultData?.GRID?.FIELDS?.FIELD;
  if (fieldList === undefined || fieldList === null) return undefined;
  if (!Array.isArray(fieldList)) {
    throw protocolError("has an invalid FIELDS.FIELD, expected an array");
  }

  return fieldList.map((field: Json, index: number) => {
    const aliasnum = Number(field?.aliasnum);
    const name = field?.name;
    if (!Number.isSafeInteger(aliasnum) || aliasnum < 0 || typeof name !== "string" || !name) {
      throw protocolError(`has invalid field ${index}, expected a name and a numeric aliasnum`);
    }
    return { aliasnum, name, label: String(field.label ?? name), type: String(field.type ?? "") };
  });
}

/**
 * Returns the row count of a LIST.COUNT.STORED response: `METADATA.RECORDS`, or else
 * `TOTAL-COUNT`.
 *
 * @throws {EamError} of kind "protocol" when neither is a whole number.
 */
export function decodeCount(resultData: Json): number {
  const grid = resultData?.GRID;
  const count = readCount(grid?.METADATA?.RECORDS) ?? readCount(grid?.["TOTAL-COUNT"]);
  if (count === null) {
    throw protocolError("has no whole number in METADATA.RECORDS or TOTAL-COUNT");
  }
  return count;
}

/**
 * Decodes the rows of a LIST.DATA_ONLY.STORED response with the columns in `fields`.
 *
 * @throws {EamError} of kind "protocol" when DATA is malformed or a cell refers to an aliasnum
 * that `fields` lacks.
 */
export function decodePage(
  resultData: Json,
  fields: GridField[],
  cursorPosition: number,
  pageSize: number,
): GridPage {
  const grid = resultData?.GRID;
  const scanned = scannedRows.get(grid?.DATA);
  const rows = scanned
    ? createScannedRows(scanned, fields)
    : decodeRows(rawRows(grid?.DATA), fields, cursorPosition);
  const lastRow = rows.at(-1);
  return {
    rows,
    moreRecords: readMoreRecords(grid?.METADATA?.MORERECORDPRESENT, rows.length, pageSize),
    nextCursorPosition: lastRow === undefined ? cursorPosition : lastRow.id + 1,
    totalCount: readCount(grid?.["TOTAL-COUNT"]),
  };
}

function errorAlerts(envelope: Json): EamAlert[] {
  const alerts = envelope?.ErrorAlert;
  if (Array.isArray(alerts)) return alerts.filter((alert) => alert !== null);
  return alerts !== null && typeof alerts === "object" ? [alerts] : [];
}

function rawRows(data: Json): Json[] {
  if (data === null || data === undefined) return [];
  const rows = Array.isArray(data.ROW) && data.ROW.length > 0 ? data.ROW : data.R;
  if (rows === undefined || rows === null) return [];
  if (!Array.isArray(rows)) throw protocolError("has an invalid DATA.ROW, expected an array");
  return rows;
}

// Pages whose DATA.ROW text was scanned, keyed by their DATA object, whose ROW is left empty.
const scannedRows = new WeakMap<object, ScannedRows>();
const rowArrayKey = '"DATA":{"ROW":[';

/**
 * Parses a response while reading its compact `DATA.ROW` array with {@link scanRowArray}, so that
 * `JSON.parse` parses only the envelope. Returns undefined when the body has no such array or the
 * scan or the envelope check fails; the caller then parses the whole body.
 */
function parseScanningRows(bodyText: string): Json | undefined {
  const keyAt = bodyText.indexOf(rowArrayKey);
  if (keyAt < 0) return undefined;
  const arrayAt = keyAt + rowArrayKey.length - 1;
  const scanned = scanRowArray(bodyText, arrayAt);
  if (!scanned) return undefined;
  let envelope: Json;
  try {
    envelope = JSON.parse(bodyText.slice(0, arrayAt) + "[]" + bodyText.slice(scanned.end));
  } catch {
    return undefined;
  }
  // The key text could belong to another object than Result.ResultData.GRID.DATA.
  const data = envelope?.Result?.ResultData?.GRID?.DATA;
  if (!Array.isArray(data?.ROW) || data.ROW.length !== 0) return undefined;
  scannedRows.set(data, scanned);
  return envelope;
}

/** Field names indexed by aliasnum, and every name set to "" in field order. */
interface RowLayout {
  names: (string | undefined)[];
  template: Record<string, string>;
}

function layoutOf(fields: GridField[]): RowLayout {
  const names: (string | undefined)[] = [];
  const template: Record<string, string> = {};
  for (const field of fields) {
    names[field.aliasnum] = field.name;
    template[field.name] = "";
  }
  return { names, template };
}

function unknownAliasnum(aliasnum: unknown, rowIndex: number) {
  return protocolError(
    `has a cell with n=${aliasnum} in row ${rowIndex}, but no field has that aliasnum`,
    undefined,
    "fetch the fields again",
  );
}

// Each row copies a template that has every name set, then stores the cells it has. Building
// the cells in this loop of its own, apart from the scan, keeps its property stores fast.
function namedCells(values: string[], layout: RowLayout): Record<string, string> {
  const cells = { ...layout.template };
  for (let aliasnum = 0; aliasnum < values.length; aliasnum++) {
    const value = values[aliasnum];
    if (value !== undefined) cells[layout.names[aliasnum]!] = value;
  }
  return cells;
}

function createScannedRows(scanned: ScannedRows, fields: GridField[]): GridRow[] {
  const layout = layoutOf(fields);
  for (const aliasnum of scanned.aliasnums) {
    if (layout.names[aliasnum] === undefined) {
      const rowIndex = scanned.values.findIndex((values) => values[aliasnum] !== undefined);
      throw unknownAliasnum(aliasnum, rowIndex);
    }
  }
  const rows: GridRow[] = new Array(scanned.ids.length);
  for (let index = 0; index < rows.length; index++) {
    rows[index] = { id: scanned.ids[index], cells: namedCells(scanned.values[index], layout) };
  }
  return rows;
}

function decodeRows(raw: Json[], fields: GridField[], cursorPosition: number): GridRow[] {
  const layout = layoutOf(fields);
  const rows: GridRow[] = new Array(raw.length);

  for (let index = 0; index < raw.length; index++) {
    const row = raw[index];
    const cells = { ...layout.template };
    const cellList = row?.D ?? [];
    for (let cellIndex = 0; cellIndex < cellList.length; cellIndex++) {
      const cell = cellList[cellIndex];
      const name = layout.names[cell?.n];
      if (name === undefined) throw unknownAliasnum(cell?.n, index);
      const value = cell.value;
      if (typeof value === "string") cells[name] = value;
      else if (value !== null && value !== undefined) cells[name] = String(value);
    }
    // NOTE: the vendor schema gives the terse R rows no id, so they are numbered from the cursor.
    const id = row?.id == null ? cursorPosition + index : Number(row.id);
    if (!Number.isSafeInteger(id)) {
      throw protocolError(`has row ${index} with invalid id "${row.id}"`);
    }
    rows[index] = { id, cells };
  }
  return rows;
}

function readMoreRecords(flag: Json, rowCount: number, pageSize: number): boolean {
  if (flag === "+" || flag === true || String(flag).toUpperCase() === "TRUE") return true;
  if (flag === "-" || flag === false || String(flag).toUpperCase() === "FALSE") return false;
  // Without the flag, only a full page suggests more rows. An empty page always ends paging.
  return rowCount > 0 && rowCount >= pageSize;
}

function readCount(text: Json): number | null {
  if (typeof text === "number") return Number.isSafeInteger(text) && text >= 0 ? text : null;
  if (typeof text !== "string") return null;
  try {
    const count = parseInteger(text);
    return count !== null && count >= 0 ? count : null;
  } catch (error) {
    if (error instanceof CellValueError) return null;
    throw error;
  }
}
