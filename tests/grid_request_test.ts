import assert from "node:assert/strict";
import {
  buildGridRequest,
  type GridQuery,
  type GridRequestType,
  organizationFilter,
} from "../sync/grid_request.ts";
import { validateGridDataRequest } from "./openapi_validator.ts";

const REQUEST_TYPES: GridRequestType[] = [
  "LIST.COUNT.STORED",
  "LIST.DATA_ONLY.STORED",
  "LIST.HEAD_ONLY.STORED",
];

const PFA_QUERY: GridQuery = {
  grid: { name: "CUPFAG", id: 100541 },
  filters: [organizationFilter("pfs_a_org", "RIO")],
  sort: { alias: "pfs_id", direction: "ASC" },
};

function assertValid(body: unknown, label: string): void {
  assert.deepEqual(validateGridDataRequest(body), [], `${label} against the spec`);
  assert.deepEqual(
    validateGridDataRequest(body, { rejectUnknownProperties: true }),
    [],
    `${label} has only properties the spec declares`,
  );
}

Deno.test("buildGridRequest bodies validate against spec", () => {
  for (const requestType of REQUEST_TYPES) {
    assertValid(buildGridRequest(PFA_QUERY, requestType), requestType);
    const page = { cursorPosition: 1001, pageSize: 1000 };
    assertValid(buildGridRequest(PFA_QUERY, requestType, page), `${requestType} with a page`);
  }
});

Deno.test("buildGridRequest data page body", () => {
  const body = buildGridRequest(PFA_QUERY, "LIST.DATA_ONLY.STORED", {
    cursorPosition: 1,
    pageSize: 5000,
  });
  assert.deepEqual(body, {
    GRID: {
      GRID_NAME: "CUPFAG",
      GRID_ID: 100541,
      NUMBER_OF_ROWS_FIRST_RETURNED: 5000,
      CURSOR_POSITION: 1,
      WSGRIDSZ_OVERRIDE: 5000,
      LOCALIZE_RESULT: "false",
      TERSERESPONSE: "false",
    },
    GRID_TYPE: { TYPE: "LIST" },
    REQUEST_TYPE: "LIST.DATA_ONLY.STORED",
    ADDON_SORT: { ALIAS_NAME: "pfs_id", TYPE: "ASC" },
    MULTIADDON_FILTERS: {
      MADDON_FILTER: [
        {
          SEQNUM: 0,
          ALIAS_NAME: "pfs_a_org",
          OPERATOR: "=",
          VALUE: "RIO",
          JOINER: "AND",
          LPAREN: "false",
          RPAREN: "false",
        },
      ],
    },
  });
});

Deno.test("buildGridRequest sends GRID_ID as number", () => {
  const body = buildGridRequest(PFA_QUERY, "LIST.COUNT.STORED");
  const grid = body.GRID as Record<string, unknown>;
  assert.equal(typeof grid.GRID_ID, "number");
});

Deno.test("buildGridRequest omits paging without page", () => {
  const grid = buildGridRequest(PFA_QUERY, "LIST.COUNT.STORED").GRID as Record<string, unknown>;
  assert.equal(grid.CURSOR_POSITION, undefined);
  assert.equal(grid.NUMBER_OF_ROWS_FIRST_RETURNED, undefined);
  assert.equal(grid.WSGRIDSZ_OVERRIDE, undefined);
});

Deno.test("buildGridRequest minimal query", () => {
  const body = buildGridRequest({ grid: { name: "CUPFAG" } }, "LIST.HEAD_ONLY.STORED");
  assertValid(body, "minimal query");
  assert.deepEqual(body, {
    GRID: { GRID_NAME: "CUPFAG", LOCALIZE_RESULT: "false", TERSERESPONSE: "false" },
    GRID_TYPE: { TYPE: "LIST" },
    REQUEST_TYPE: "LIST.HEAD_ONLY.STORED",
  });
});

Deno.test("buildGridRequest includes dataspy", () => {
  const body = buildGridRequest(
    { grid: { name: "CUPFAG", id: 100541, dataspyId: 100001 } },
    "LIST.DATA_ONLY.STORED",
    { cursorPosition: 1, pageSize: 10 },
  );
  assertValid(body, "dataspy query");
  assert.deepEqual(body.DATASPY, { DATASPY_ID: 100001 });
});

Deno.test("buildGridRequest numbers filters by SEQNUM", () => {
  const query: GridQuery = {
    grid: { name: "CUPFAG", id: 100541 },
    filters: [
      organizationFilter("pfs_a_org", "RIO"),
      {
        alias: "pfs_f_source",
        operator: "=",
        value: "RENTAL",
        joiner: "OR",
        openParenthesis: true,
      },
      { alias: "pfs_f_source", operator: "IS EMPTY", closeParenthesis: true },
      { alias: "pfs_f_startdate", operator: ">=", value: "01-JAN-2025" },
    ],
    sort: { alias: "pfs_id", direction: "DESC" },
  };
  const body = buildGridRequest(query, "LIST.DATA_ONLY.STORED", {
    cursorPosition: 1,
    pageSize: 10,
  });
  assertValid(body, "filter chain");

  const filters = (body.MULTIADDON_FILTERS as { MADDON_FILTER: Record<string, unknown>[] })
    .MADDON_FILTER;
  assert.deepEqual(filters.map((filter) => filter.SEQNUM), [0, 1, 2, 3]);
  assert.deepEqual(filters.map((filter) => filter.ALIAS_NAME), [
    "pfs_a_org",
    "pfs_f_source",
    "pfs_f_source",
    "pfs_f_startdate",
  ]);
  assert.deepEqual(filters.map((filter) => filter.JOINER), ["AND", "OR", "AND", "AND"]);
  assert.deepEqual(filters.map((filter) => filter.LPAREN), ["false", "true", "false", "false"]);
  assert.deepEqual(filters.map((filter) => filter.RPAREN), ["false", "false", "true", "false"]);
  assert.equal("VALUE" in filters[2], false);
  assert.deepEqual(body.ADDON_SORT, { ALIAS_NAME: "pfs_id", TYPE: "DESC" });
});

Deno.test("organizationFilter uses equals", () => {
  assert.deepEqual(organizationFilter("pfs_a_org", "CUTLASS"), {
    alias: "pfs_a_org",
    operator: "=",
    value: "CUTLASS",
    joiner: "AND",
  });
});

Deno.test("organizationFilter rejects empty codes", () => {
  assert.throws(() => organizationFilter("pfs_a_org", " "), /organization code is empty/);
  assert.throws(() => organizationFilter("", "RIO"), /organization filter alias is empty/);
});

Deno.test("buildGridRequest rejects invalid input", () => {
  const page = { cursorPosition: 1, pageSize: 10 };
  const type = "LIST.DATA_ONLY.STORED";
  assert.throws(() => buildGridRequest({ grid: { name: "" } }, type, page), /grid name is empty/);
  assert.throws(
    () => buildGridRequest({ grid: { name: "CUPFAG", id: 1.5 } }, type, page),
    /invalid grid id 1.5/,
  );
  assert.throws(
    () => buildGridRequest({ grid: { name: "CUPFAG", dataspyId: 0 } }, type, page),
    /invalid dataspy id 0/,
  );
  assert.throws(
    () => buildGridRequest(PFA_QUERY, type, { cursorPosition: 1, pageSize: 0 }),
    /invalid page size 0/,
  );
  assert.throws(
    () => buildGridRequest(PFA_QUERY, type, { cursorPosition: -1, pageSize: 10 }),
    /invalid cursor position -1/,
  );
  assert.throws(
    () =>
      buildGridRequest(
        { grid: { name: "CUPFAG" }, filters: [{ alias: "pfs_id", operator: ">" }] },
        type,
        page,
      ),
    /filter 0 on "pfs_id" has operator ">" but no value/,
  );
});

Deno.test("spec check catches a string GRID_ID", () => {
  // Guards the checks above: the validator must reject what the spec forbids.
  const body = buildGridRequest(PFA_QUERY, "LIST.COUNT.STORED");
  const grid = { ...(body.GRID as Record<string, unknown>), GRID_ID: "100541" };
  assert.notDeepEqual(validateGridDataRequest({ ...body, GRID: grid }), []);
});
