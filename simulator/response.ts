/**
 * Response bodies in the vendor's `AddResponse` shape.
 *
 * Where the vendor spec and client code disagree, the bodies follow the spec:
 * - The spec types `Result.InfoAlert` as an object and `Result.SessionID` as a string, neither
 *   nullable. Some client code expects null there, so the simulator omits both.
 * - `Result.WarningAlert` is an array in the spec, where some client code expects null. It is
 *   sent as [].
 * - `METADATA.RECORDS` and `TOTAL-COUNT` are strings, `CURRENTCURSORPOSITION`, `ROW.id`, `D.n`
 *   and `FIELD.aliasnum` are numbers, and `FIELD.order` is a string.
 * - `ResultData.type` has no value for head requests in the spec's enum, so it is left out of
 *   `LIST.HEAD_ONLY.STORED` responses.
 * - An error response has only `ErrorAlert`, because the spec does not let `Result` be null.
 *
 * @module
 */

import type { GridDefinition } from "./grids.ts";
import type { ResultPage } from "./query.ts";
import type { GridQuery } from "./request.ts";
import { encodeText, JsonWriter } from "./json_writer.ts";

/** Headers of every JSON response. */
export const JSON_HEADERS = { "content-type": "application/json; charset=utf-8" };
// Keyed by definition, because a grid with changed fields is served by a new definition.
const fieldLists = new WeakMap<GridDefinition, unknown>();
const cellPrefixCache = new WeakMap<GridDefinition, Uint8Array[]>();
const CELL_END = encodeText("}");
const ROWS_PLACEHOLDER = "\u0000rows\u0000";

/** An `ErrorAlert` entry. */
export interface ErrorAlert {
  Name: string;
  Message: string;
}

/** Returns an error response with one `ErrorAlert` entry. */
export function errorResponse(
  status: number,
  name: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  const body = { ErrorAlert: [{ Name: name, Message: message }] };
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...JSON_HEADERS, ...headers },
  });
}

/**
 * Returns the response to a parsed request. `page` contains the matching rows at the requested
 * cursor, and `cells` generates the cells of one of them.
 */
export function gridResponse(
  query: GridQuery,
  page: ResultPage,
  cells: (organization: string, index: number) => string[],
): Response {
  return new Response(gridBody(query, page, cells), { status: 200, headers: JSON_HEADERS });
}

/**
 * Returns the body of {@linkcode gridResponse} as UTF-8 bytes, with `errorAlerts` in the
 * top-level `ErrorAlert` (empty by default).
 */
export function gridBody(
  query: GridQuery,
  page: ResultPage,
  cells: (organization: string, index: number) => string[],
  errorAlerts: readonly ErrorAlert[] = [],
): Uint8Array<ArrayBuffer> {
  const { grid, requestType } = query;
  const lastPosition = Math.min(page.total, page.first + page.rows.length - 1);
  const metadata: Record<string, unknown> = {
    GRIDID: grid.id,
    GRIDNAME: grid.name,
    GRIDLABEL: grid.label,
    DATASPYID: grid.dataspyId,
    RECORDS: String(page.total),
  };
  const resultGrid: Record<string, unknown> = { METADATA: metadata };
  const resultData: Record<string, unknown> = {
    DATASPY: { id: String(grid.dataspyId), label: "Default" },
    GRID: resultGrid,
  };

  if (requestType === "LIST.HEAD_ONLY.STORED") {
    metadata.CURRENTCURSORPOSITION = 0;
    metadata.MORERECORDPRESENT = page.total > 0 ? "+" : "-";
    resultGrid.FIELDS = fieldList(grid);
  } else {
    resultData.type = requestType;
  }
  const body = { Result: { ResultData: resultData, WarningAlert: [] }, ErrorAlert: errorAlerts };
  if (requestType !== "LIST.DATA_ONLY.STORED") {
    resultGrid["TOTAL-COUNT"] = String(page.total);
    return encodeText(JSON.stringify(body)) as Uint8Array<ArrayBuffer>;
  }

  metadata.CURRENTCURSORPOSITION = Math.max(0, lastPosition);
  metadata.MORERECORDPRESENT = lastPosition < page.total ? "+" : "-";
  // The rows are written as bytes into the gap that ROWS_PLACEHOLDER marks in the envelope.
  resultGrid.DATA = { ROW: ROWS_PLACEHOLDER };
  resultGrid["TOTAL-COUNT"] = String(page.total);
  const [before, after] = JSON.stringify(body).split(JSON.stringify(ROWS_PLACEHOLDER));
  const writer = new JsonWriter(page.rows.length * grid.fields.length * 28 + 4096);
  writer.raw(before);
  writeRows(writer, grid, page, cells);
  writer.raw(after);
  return writer.result();
}

/** Writes `[{"id":1,"D":[{"n":1,"value":"..."},...]},...]`. */
function writeRows(
  writer: JsonWriter,
  grid: GridDefinition,
  page: ResultPage,
  cells: (organization: string, index: number) => string[],
): void {
  const prefixes = cellPrefixes(grid);
  writer.raw("[");
  for (let position = 0; position < page.rows.length; position++) {
    const { organization, index } = page.rows[position];
    const values = cells(organization, index);
    writer.raw(`${position === 0 ? "" : ","}{"id":${page.first + position},"D":[`);
    for (let column = 0; column < values.length; column++) {
      writer.bytes(prefixes[column]);
      writer.string(values[column]);
      writer.bytes(CELL_END);
    }
    writer.raw("]}");
  }
  writer.raw("]");
}

/** Returns the encoded `{"n":<aliasnum>,"value":` text of each column, with a leading comma after the first. */
function cellPrefixes(grid: GridDefinition): Uint8Array[] {
  let prefixes = cellPrefixCache.get(grid);
  if (!prefixes) {
    prefixes = grid.fields.map((_, column) =>
      encodeText(`${column === 0 ? "" : ","}{"n":${aliasnum(grid, column)},"value":`)
    );
    cellPrefixCache.set(grid, prefixes);
  }
  return prefixes;
}

function fieldList(grid: GridDefinition): unknown {
  let fields = fieldLists.get(grid);
  if (!fields) {
    fields = {
      FIELD: grid.fields.map((field, index) => ({
        aliasnum: aliasnum(grid, index),
        name: field.name,
        label: field.label,
        type: field.type,
        order: String(index + 1),
      })),
      viewtype: "LIST",
    };
    fieldLists.set(grid, fields);
  }
  return fields;
}

function aliasnum(grid: GridDefinition, column: number): number {
  return grid.aliasnums?.[column] ?? column + 1;
}
