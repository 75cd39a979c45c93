/**
 * Parsing of `POST /griddata` request bodies into the query the simulator runs.
 *
 * Numbers may arrive as JSON numbers (as the vendor spec declares them) or as digit strings (as
 * some clients send `GRID_ID`). Fields the simulator does not use, such as `LOV`,
 * `USER_FUNCTION_NAME` and the non-standard `GRID.ROW_OFFSET`, are ignored, so offset-based
 * paging visibly returns the same page again.
 *
 * @module
 */

import { parseFilters } from "./filter.ts";
import { type GridDefinition, GRIDS } from "./grids.ts";
import type { RowQuery } from "./query.ts";
import { asObject, describeValue, invalidRequest } from "./request_error.ts";

/** The `REQUEST_TYPE` values the simulator serves. */
export type RequestType = "LIST.COUNT.STORED" | "LIST.DATA_ONLY.STORED" | "LIST.HEAD_ONLY.STORED";

/** A parsed grid request. */
export interface GridQuery extends RowQuery {
  requestType: RequestType;
  /** 1-based position of the first requested row (0 also means the first row). */
  cursor: number;
  /** Rows per page, at most {@linkcode MAX_PAGE_SIZE}. */
  pageSize: number;
}

/** Page size when `NUMBER_OF_ROWS_FIRST_RETURNED` is absent. */
export const DEFAULT_PAGE_SIZE = 100;
/** Largest page. Larger `NUMBER_OF_ROWS_FIRST_RETURNED` values are reduced to it. */
export const MAX_PAGE_SIZE = 10_000;

const REQUEST_TYPES: readonly RequestType[] = [
  "LIST.COUNT.STORED",
  "LIST.DATA_ONLY.STORED",
  "LIST.HEAD_ONLY.STORED",
];

/**
 * Parses a request body against the grids as served now, which may have changed fields.
 * Throws a 400 `GridRequestError` naming the bad part.
 */
export function parseGridQuery(
  body: unknown,
  grids: readonly GridDefinition[] = GRIDS,
): GridQuery {
  const request = asObject(body, "request body");
  if (request.GRID === undefined || request.GRID === null) {
    throw invalidRequest('missing GRID: send {"GRID": {"GRID_NAME": "CUPFAG", ...}}');
  }
  const gridPart = asObject(request.GRID, "GRID");
  const grid = resolveGrid(gridPart, grids);
  checkGridType(request.GRID_TYPE);
  checkDataspy(grid, request.DATASPY);

  const pageSize = readCount(
    gridPart.NUMBER_OF_ROWS_FIRST_RETURNED,
    "NUMBER_OF_ROWS_FIRST_RETURNED",
  );
  return {
    grid,
    requestType: readRequestType(request.REQUEST_TYPE),
    filter: parseFilters(grid, request.ADDON_FILTER, request.MULTIADDON_FILTERS),
    sort: readSort(grid, request.ADDON_SORT),
    cursor: readCount(gridPart.CURSOR_POSITION, "CURSOR_POSITION") ?? 1,
    pageSize: Math.min(pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE),
  };
}

function resolveGrid(
  gridPart: Record<string, unknown>,
  grids: readonly GridDefinition[],
): GridDefinition {
  const name = gridPart.GRID_NAME;
  const id = readCount(gridPart.GRID_ID, "GRID_ID");
  const served = grids.map((grid) => `${grid.name} (${grid.id})`).join(", ");
  if (name !== undefined && name !== null && name !== "") {
    const upper = typeof name === "string" ? name.toUpperCase() : undefined;
    const grid = grids.find((candidate) => candidate.name === upper);
    if (!grid) {
      throw invalidRequest(`unknown GRID_NAME ${describeValue(name)}: use one of ${served}`);
    }
    if (id !== undefined && id !== grid.id) {
      throw invalidRequest(`GRID_ID ${id} does not match GRID_NAME ${grid.name}: use ${grid.id}`);
    }
    return grid;
  }
  if (id === undefined) throw invalidRequest(`missing GRID.GRID_NAME: use one of ${served}`);
  const grid = grids.find((candidate) => candidate.id === id);
  if (!grid) throw invalidRequest(`unknown GRID_ID ${id}: use one of ${served}`);
  return grid;
}

function checkGridType(raw: unknown): void {
  if (raw === undefined || raw === null) {
    throw invalidRequest('missing GRID_TYPE: send {"GRID_TYPE": {"TYPE": "LIST"}}');
  }
  const type = asObject(raw, "GRID_TYPE").TYPE;
  if (type === "LOV") {
    throw invalidRequest("GRID_TYPE LOV is not supported: the simulated grids are LIST grids");
  }
  if (type !== "LIST") {
    throw invalidRequest(`invalid GRID_TYPE.TYPE ${describeValue(type)}: use "LIST"`);
  }
}

function checkDataspy(grid: GridDefinition, raw: unknown): void {
  if (raw === undefined || raw === null) return;
  const id = readCount(asObject(raw, "DATASPY").DATASPY_ID, "DATASPY_ID");
  if (id !== undefined && id !== grid.dataspyId) {
    throw invalidRequest(
      `unknown DATASPY_ID ${id} for grid ${grid.name}: ` +
        `use ${grid.dataspyId} or omit DATASPY`,
    );
  }
}

function readRequestType(raw: unknown): RequestType {
  // NOTE: the vendor spec does not say what EAM does without REQUEST_TYPE, so the simulator
  // picks data only.
  if (raw === undefined || raw === null) return "LIST.DATA_ONLY.STORED";
  const type = REQUEST_TYPES.find((candidate) => candidate === raw);
  if (type) return type;
  throw invalidRequest(
    `unsupported REQUEST_TYPE ${describeValue(raw)}: use one of ` +
      REQUEST_TYPES.join(", "),
  );
}

function readSort(grid: GridDefinition, raw: unknown): GridQuery["sort"] {
  if (raw === undefined || raw === null) return null;
  const sort = asObject(raw, "ADDON_SORT");
  if (sort.ALIAS_NAME === undefined || sort.ALIAS_NAME === null || sort.ALIAS_NAME === "") {
    return null;
  }
  const alias = typeof sort.ALIAS_NAME === "string" ? sort.ALIAS_NAME.trim().toLowerCase() : "";
  const column = grid.fieldIndex.get(alias);
  if (column === undefined) {
    throw invalidRequest(
      `unknown ADDON_SORT.ALIAS_NAME ${describeValue(sort.ALIAS_NAME)}: ` +
        `grid ${grid.name} has no such field`,
    );
  }
  const type = sort.TYPE === undefined || sort.TYPE === null || sort.TYPE === ""
    ? "ASC"
    : String(sort.TYPE).toUpperCase();
  if (type !== "ASC" && type !== "DESC") {
    throw invalidRequest(`invalid ADDON_SORT.TYPE ${describeValue(sort.TYPE)}: use ASC or DESC`);
  }
  return { column, descending: type === "DESC" };
}

/** Reads a non-negative integer given as a JSON number or a digit string. */
function readCount(raw: unknown, name: string): number | undefined {
  if (raw === undefined || raw === null || raw === "") return undefined;
  if (typeof raw === "number" && Number.isSafeInteger(raw) && raw >= 0) return raw;
  if (typeof raw === "string" && /^\s*\d{1,15}\s*$/.test(raw)) return Number(raw);
  throw invalidRequest(`invalid ${name} ${describeValue(raw)}: expected a non-negative integer`);
}
