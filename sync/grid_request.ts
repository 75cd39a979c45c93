/**
 * Request bodies for `POST …/axis/restservices/griddata`, shaped after the vendor's OpenAPI
 * schema `GridData` (HxGN EAM Grid Data web service).
 *
 * @module
 */

/** The request types that the Grid Data endpoint accepts for LIST grids. */
export type GridRequestType =
  | "LIST.COUNT.STORED"
  | "LIST.DATA_ONLY.STORED"
  | "LIST.HEAD_ONLY.STORED";

/** A grid by code (such as "CUPFAG"), with its optional numeric id and saved dataspy id. */
export interface GridRef {
  name: string;
  id?: number;
  dataspyId?: number;
}

/** Filter operators that EAM grids accept. */
export type GridFilterOperator =
  | "="
  | "!="
  | "<"
  | ">"
  | "<="
  | ">="
  | "BEGINS"
  | "ENDS"
  | "CONTAINS"
  | "NOTCONTAINS"
  | "IN"
  | "IS EMPTY"
  | "NOT EMPTY";

/**
 * One condition of a filter chain on a grid column.
 *
 * `joiner` links this condition to the next one (default "AND"). `openParenthesis` and
 * `closeParenthesis` group conditions, as in `a = 1 AND (b = 2 OR b = 3)` (default false).
 */
export interface GridFilter {
  alias: string;
  operator: GridFilterOperator;
  value?: string;
  joiner?: "AND" | "OR";
  openParenthesis?: boolean;
  closeParenthesis?: boolean;
}

/** A grid, the filters on its rows and the column that orders them. */
export interface GridQuery {
  grid: GridRef;
  filters?: GridFilter[];
  sort?: { alias: string; direction: "ASC" | "DESC" };
}

/** A window of rows: the cursor of the first row (1 for the first page) and the row count. */
export interface GridPageRequest {
  cursorPosition: number;
  pageSize: number;
}

const VALUELESS_OPERATORS = new Set<GridFilterOperator>(["IS EMPTY", "NOT EMPTY"]);

/**
 * Builds the JSON body of a Grid Data request.
 *
 * `page` sets `CURSOR_POSITION`, and the page size goes into both
 * `NUMBER_OF_ROWS_FIRST_RETURNED` and `WSGRIDSZ_OVERRIDE`, which lifts the server's default cap
 * on rows per response. Results are requested unlocalized and in full form
 * (`LOCALIZE_RESULT` and `TERSERESPONSE` "false"). Filters go into
 * `MULTIADDON_FILTERS.MADDON_FILTER` in the given order, numbered by `SEQNUM` from 0.
 *
 * @throws {RangeError} when the grid name or a filter alias is empty, a filter that needs a
 * value has none, the grid or dataspy id or the page size is not a positive integer, or the
 * cursor position is negative or not an integer.
 */
export function buildGridRequest(
  query: GridQuery,
  requestType: GridRequestType,
  page?: GridPageRequest,
): Record<string, unknown> {
  const body: Record<string, unknown> = {
    GRID: gridSection(query.grid, page),
    GRID_TYPE: { TYPE: "LIST" },
    REQUEST_TYPE: requestType,
  };

  if (query.grid.dataspyId !== undefined) {
    requirePositiveInteger("dataspy id", query.grid.dataspyId);
    body.DATASPY = { DATASPY_ID: query.grid.dataspyId };
  }
  if (query.sort !== undefined) {
    requireName("sort alias", query.sort.alias);
    body.ADDON_SORT = { ALIAS_NAME: query.sort.alias, TYPE: query.sort.direction };
  }
  if (query.filters !== undefined && query.filters.length > 0) {
    body.MULTIADDON_FILTERS = { MADDON_FILTER: query.filters.map(filterEntry) };
  }
  return body;
}

/**
 * Returns a filter that matches rows of exactly one organization.
 *
 * It uses "=" because BEGINS would also match sibling codes that share the prefix, such as
 * CUTLASS2 for CUTLASS or CCL3B for CCL3.
 *
 * @throws {RangeError} when the alias or the organization code is empty.
 */
export function organizationFilter(alias: string, organization: string): GridFilter {
  requireName("organization filter alias", alias);
  requireName("organization code", organization);
  return { alias, operator: "=", value: organization, joiner: "AND" };
}

/** Returns a copy of `query` with `filter` added to its filters. */
export function withFilter(query: GridQuery, filter: GridFilter): GridQuery {
  return { ...query, filters: [...(query.filters ?? []), filter] };
}

function gridSection(grid: GridRef, page: GridPageRequest | undefined): Record<string, unknown> {
  requireName("grid name", grid.name);
  const section: Record<string, unknown> = { GRID_NAME: grid.name };
  if (grid.id !== undefined) {
    requirePositiveInteger("grid id", grid.id);
    section.GRID_ID = grid.id;
  }
  if (page !== undefined) {
    // NOTE: EAM clients start at cursor 1, but whether 0 is also valid is undocumented.
    requireNonNegativeInteger("cursor position", page.cursorPosition);
    requirePositiveInteger("page size", page.pageSize);
    section.NUMBER_OF_ROWS_FIRST_RETURNED = page.pageSize;
    section.CURSOR_POSITION = page.cursorPosition;
    section.WSGRIDSZ_OVERRIDE = page.pageSize;
  }
  section.LOCALIZE_RESULT = "false";
  section.TERSERESPONSE = "false";
  return section;
}

function filterEntry(filter: GridFilter, index: number): Record<string, unknown> {
  requireName(`alias of filter ${index}`, filter.alias);
  const entry: Record<string, unknown> = {
    SEQNUM: index,
    ALIAS_NAME: filter.alias,
    OPERATOR: filter.operator,
  };
  if (filter.value !== undefined) {
    entry.VALUE = filter.value;
  } else if (!VALUELESS_OPERATORS.has(filter.operator)) {
    throw new RangeError(
      `filter ${index} on "${filter.alias}" has operator "${filter.operator}" but no value: ` +
        `set a value, or use "IS EMPTY" or "NOT EMPTY"`,
    );
  }
  entry.JOINER = filter.joiner ?? "AND";
  entry.LPAREN = String(filter.openParenthesis ?? false);
  entry.RPAREN = String(filter.closeParenthesis ?? false);
  return entry;
}

function requireName(label: string, value: string): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new RangeError(`${label} is empty: set it to a non-empty code`);
  }
}

function requirePositiveInteger(label: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new RangeError(`invalid ${label} ${value}: expected a positive integer`);
  }
}

function requireNonNegativeInteger(label: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`invalid ${label} ${value}: expected an integer of 0 or more`);
  }
}
