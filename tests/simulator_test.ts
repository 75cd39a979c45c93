import assert from "node:assert/strict";
import {
  createSimulator,
  parseRowsSetting,
  type Simulator,
  type SimulatorOptions,
} from "../simulator/handler.ts";
import { PFA_GRID } from "../simulator/grids.ts";
import { QueryEngine, type RowSource } from "../simulator/query.ts";
import { readServerSettings } from "../simulator/settings.ts";
import { parseDateTime } from "../simulator/values.ts";
import {
  validateGridDataHeaders,
  validateGridDataRequest,
  validateGridDataResponse,
} from "./openapi_validator.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

interface Filter {
  alias: string;
  operator: string;
  value?: string;
  joiner?: "AND" | "OR";
  lparen?: boolean;
  rparen?: boolean;
}

interface RequestParts {
  grid?: string;
  gridId?: number;
  type?: string;
  pageSize?: number;
  cursor?: number;
  filters?: Filter[];
  sort?: { alias: string; type: "ASC" | "DESC" };
}

interface Reply {
  status: number;
  headers: Headers;
  body: Json;
}

interface Harness {
  simulator: Simulator;
  url: string;
  post(parts: RequestParts, headers?: Record<string, string>): Promise<Reply>;
  postRaw(body: string, headers: Record<string, string>): Promise<Reply>;
}

const BASIC = `Basic ${btoa("pems:pems-demo")}`;
const GOOD_HEADERS = { tenant: "DEMO_DEV", organization: "RIO", authorization: BASIC };
const GRID_IDS: Record<string, number> = { CUPFAG: 100541, OSOBJA: 100020, OSCATG: 100030 };

/** Builds a grid request body in the vendor shape, with filters and sort only when given. */
function gridRequest(parts: RequestParts): Json {
  const grid = parts.grid ?? "CUPFAG";
  const body: Json = {
    GRID: {
      GRID_NAME: grid,
      GRID_ID: parts.gridId ?? GRID_IDS[grid],
      NUMBER_OF_ROWS_FIRST_RETURNED: parts.pageSize ?? 100,
      CURSOR_POSITION: parts.cursor ?? 1,
    },
    GRID_TYPE: { TYPE: "LIST" },
    REQUEST_TYPE: parts.type ?? "LIST.DATA_ONLY.STORED",
  };
  if (parts.sort) body.ADDON_SORT = { ALIAS_NAME: parts.sort.alias, TYPE: parts.sort.type };
  if (parts.filters) {
    body.MULTIADDON_FILTERS = {
      MADDON_FILTER: parts.filters.map((filter, index) => ({
        SEQNUM: index,
        ALIAS_NAME: filter.alias,
        OPERATOR: filter.operator,
        VALUE: filter.value ?? "",
        JOINER: filter.joiner ?? "AND",
        LPAREN: String(filter.lparen ?? false),
        RPAREN: String(filter.rparen ?? false),
      })),
    };
  }
  return body;
}

function organizationFilter(organization: string): Filter {
  return { alias: "pfs_a_org", operator: "=", value: organization };
}

async function withSimulator(
  options: SimulatorOptions,
  run: (harness: Harness) => Promise<void>,
): Promise<void> {
  const simulator = createSimulator(options);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    simulator.handle,
  );
  const url = `http://127.0.0.1:${server.addr.port}/axis/restservices/griddata`;
  const postRaw = async (body: string, headers: Record<string, string>): Promise<Reply> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    return { status: response.status, headers: response.headers, body: await response.json() };
  };
  const harness: Harness = {
    simulator,
    url,
    post: (parts, headers = GOOD_HEADERS) => postRaw(JSON.stringify(gridRequest(parts)), headers),
    postRaw,
  };
  try {
    await run(harness);
  } finally {
    await server.shutdown();
  }
}

/** Returns the alias of each aliasnum, read from a HEAD request as a client would. */
async function fieldNames(harness: Harness, grid = "CUPFAG"): Promise<Map<number, string>> {
  const reply = await harness.post({ grid, type: "LIST.HEAD_ONLY.STORED" });
  assert.equal(reply.status, 200);
  const fields: Json[] = reply.body.Result.ResultData.GRID.FIELDS.FIELD;
  return new Map(fields.map((field) => [field.aliasnum, field.name]));
}

function decodeRows(body: Json, names: Map<number, string>): Record<string, string>[] {
  const rows: Json[] = body.Result.ResultData.GRID.DATA?.ROW ?? [];
  return rows.map((row) =>
    Object.fromEntries(row.D.map((cell: Json) => [names.get(cell.n)!, cell.value]))
  );
}

function metadataOf(body: Json): Json {
  return body.Result.ResultData.GRID.METADATA;
}

/** Fetches every row of a query by following the cursor, checking paging metadata per page. */
async function fetchAll(
  harness: Harness,
  parts: RequestParts,
  names: Map<number, string>,
): Promise<Record<string, string>[]> {
  const all: Record<string, string>[] = [];
  let cursor = 1;
  for (let pages = 0; pages < 1_000; pages++) {
    const reply = await harness.post({ ...parts, cursor });
    assert.equal(reply.status, 200, JSON.stringify(reply.body.ErrorAlert));
    const rows: Json[] = reply.body.Result.ResultData.GRID.DATA.ROW;
    const metadata = metadataOf(reply.body);
    assert.deepEqual(rows.map((row) => row.id), rows.map((_, index) => cursor + index));
    assert.equal(metadata.CURRENTCURSORPOSITION, cursor + rows.length - 1);
    all.push(...decodeRows(reply.body, names));
    const total = Number(metadata.RECORDS);
    assert.equal(metadata.MORERECORDPRESENT, all.length < total ? "+" : "-");
    if (metadata.MORERECORDPRESENT === "-") return all;
    cursor = rows[rows.length - 1].id + 1;
  }
  throw new Error("paging did not end after 1,000 pages");
}

Deno.test("validator: vendor examples and bad bodies", () => {
  assert.deepEqual(
    validateGridDataRequest(gridRequest({ filters: [organizationFilter("RIO")] })),
    [],
  );
  const stringId = gridRequest({});
  stringId.GRID.GRID_ID = "100541";
  assert.deepEqual(validateGridDataRequest(stringId), ["/GRID/GRID_ID must be number"]);
  assert.equal(validateGridDataRequest({ ...stringId, REQUEST_TYPE: "LIST.ALL" }).length, 2);
  assert.deepEqual(validateGridDataResponse({ ErrorAlert: [{ Name: "x", Message: "y" }] }), []);
  assert.deepEqual(validateGridDataResponse({ Result: { InfoAlert: null } }), [
    "/Result/InfoAlert must be object",
  ]);
  assert.deepEqual(
    validateGridDataResponse({ Result: { Extra: 1 } }, { rejectUnknownProperties: true }),
    ['/Result has undeclared property "Extra"'],
  );
  assert.deepEqual(validateGridDataHeaders(new Headers({ tenant: "T", organization: "RIO" })), []);
  assert.deepEqual(validateGridDataHeaders(new Headers({ organization: "RIO" })), [
    "missing required header tenant",
  ]);
});

Deno.test("simulator: every response type matches the spec", async () => {
  await withSimulator(
    { pfaRows: { RIO: 300 }, assetRows: 50, classificationRows: 40 },
    async (h) => {
      const check = (reply: Reply, label: string) => {
        assert.deepEqual(
          validateGridDataResponse(reply.body, { rejectUnknownProperties: true }),
          [],
          label,
        );
      };
      for (const grid of ["CUPFAG", "OSOBJA", "OSCATG"]) {
        for (
          const type of ["LIST.COUNT.STORED", "LIST.HEAD_ONLY.STORED", "LIST.DATA_ONLY.STORED"]
        ) {
          const parts = { grid, type, pageSize: 25 };
          assert.deepEqual(validateGridDataRequest(gridRequest(parts)), []);
          const reply = await h.post(parts);
          assert.equal(reply.status, 200);
          check(reply, `${grid} ${type}`);
          assert.deepEqual(reply.body.ErrorAlert, []);
        }
      }
      const empty = await h.post({ filters: [organizationFilter("NOWHERE")] });
      check(empty, "empty result");
      assert.deepEqual(empty.body.Result.ResultData.GRID.DATA.ROW, []);
      check(await h.post({ grid: "NOPE" }), "400 error");
      check(await h.post({}, { tenant: "DEMO_DEV", organization: "RIO" }), "401 error");
    },
  );
});

Deno.test("simulator: HEAD lists the contract fields", async () => {
  await withSimulator({}, async (h) => {
    const reply = await h.post({ type: "LIST.HEAD_ONLY.STORED" });
    const grid = reply.body.Result.ResultData.GRID;
    assert.equal(grid.DATA, undefined);
    assert.equal(grid.METADATA.RECORDS, "20000");
    const fields: Json[] = grid.FIELDS.FIELD;
    assert.ok(fields.length >= 65, `${fields.length} fields`);
    assert.ok(fields.length <= 75, `${fields.length} fields`);
    assert.deepEqual(fields.map((field) => field.aliasnum), fields.map((_, index) => index + 1));
    const types = Object.fromEntries(fields.map((field) => [field.name, field.type]));
    const expected: Record<string, string> = {
      pfs_id: "VARCHAR",
      pfs_a_org: "VARCHAR",
      pfs_desc: "VARCHAR",
      pfs_a_corporate: "VARCHAR",
      pfs_a_category: "VARCHAR",
      pfs_f_class: "VARCHAR",
      pfs_f_category: "VARCHAR",
      pfs_f_catdesc: "VARCHAR",
      pfs_f_source: "VARCHAR",
      pfs_f_dor: "VARCHAR",
      pfa_act: "CHKBOOLEAN",
      pfa_dis: "CHKBOOLEAN",
      pfs_ft: "CHKBOOLEAN",
      pfs_f_rate: "DECIMAL",
      pfs_f_rate_uom: "VARCHAR",
      pfs_f_price: "CURRENCY",
      pfs_f_manufact: "VARCHAR",
      pfs_f_model: "VARCHAR",
      pfs_p_startdate: "DATE",
      pfs_p_enddate: "DATE",
      pfs_f_startdate: "DATE",
      pfs_f_enddate: "DATE",
      pfa_ca_contract: "VARCHAR",
      pfs_equipment: "VARCHAR",
      pfs_f_intlastupdated: "DATETIME",
      pfs_f_last_change_by: "VARCHAR",
    };
    for (const [alias, type] of Object.entries(expected)) assert.equal(types[alias], type, alias);

    const assets = await h.post({ grid: "OSOBJA", type: "LIST.HEAD_ONLY.STORED" });
    const assetTypes = Object.fromEntries(
      assets.body.Result.ResultData.GRID.FIELDS.FIELD.map((
        field: Json,
      ) => [field.name, field.type]),
    );
    assert.equal(assetTypes.obj_year, "NUMBER");
    assert.equal(assetTypes.obj_commiss, "DATE");
    assert.equal(assetTypes.obj_updated, "DATETIME");
    const categories = await h.post({ grid: "OSCATG", type: "LIST.HEAD_ONLY.STORED" });
    const categoryNames = categories.body.Result.ResultData.GRID.FIELDS.FIELD.map((
      field: Json,
    ) => field.name);
    assert.deepEqual(categoryNames, [
      "cat_code",
      "cat_org",
      "cat_desc",
      "cat_class",
      "cat_class_desc",
      "cat_icon",
      "cat_updated",
    ]);
  });
});

Deno.test("simulator: COUNT returns totals only", async () => {
  await withSimulator({ pfaRows: { RIO: 1_234 } }, async (h) => {
    const reply = await h.post({ type: "LIST.COUNT.STORED", filters: [organizationFilter("RIO")] });
    const data = reply.body.Result.ResultData;
    assert.equal(data.type, "LIST.COUNT.STORED");
    assert.equal(data.GRID.METADATA.RECORDS, "1234");
    assert.equal(data.GRID["TOTAL-COUNT"], "1234");
    assert.equal(data.GRID.DATA, undefined);
    assert.equal(data.GRID.FIELDS, undefined);
    const holng = await h.post({ type: "LIST.COUNT.STORED" }, {
      ...GOOD_HEADERS,
      organization: "HOLNG",
    });
    assert.equal(holng.body.Result.ResultData.GRID["TOTAL-COUNT"], "20000");
  });
});

Deno.test("simulator: cursor paging returns each key once", async () => {
  await withSimulator({ pfaRows: { RIO: 2_345 } }, async (h) => {
    const names = await fieldNames(h);
    const parts = {
      pageSize: 500,
      filters: [organizationFilter("RIO")],
      sort: { alias: "pfs_id", type: "ASC" as const },
    };
    const rows = await fetchAll(h, parts, names);
    assert.equal(rows.length, 2_345);
    const keys = rows.map((row) => row.pfs_id);
    assert.equal(new Set(keys).size, keys.length);
    for (let i = 1; i < keys.length; i++) assert.ok(keys[i - 1] < keys[i], `order at ${i}`);
    assert.ok(rows.every((row) => row.pfs_a_org === "RIO"));
    assert.deepEqual(rows[0], h.simulator.row("CUPFAG", "RIO", 0));
    assert.deepEqual(rows[2_344], h.simulator.row("CUPFAG", "RIO", 2_344));

    const fromZero = await h.post({ ...parts, cursor: 0, pageSize: 3 });
    assert.deepEqual(fromZero.body.Result.ResultData.GRID.DATA.ROW.map((row: Json) => row.id), [
      1,
      2,
      3,
    ]);
    const past = await h.post({ ...parts, cursor: 5_000 });
    assert.deepEqual(past.body.Result.ResultData.GRID.DATA.ROW, []);
    assert.equal(metadataOf(past.body).MORERECORDPRESENT, "-");
  });
});

Deno.test("simulator: ROW_OFFSET is ignored", async () => {
  await withSimulator({ pfaRows: { RIO: 50 } }, async (h) => {
    const body = gridRequest({ pageSize: 10 });
    body.GRID.ROW_OFFSET = 20;
    const reply = await h.postRaw(JSON.stringify(body), GOOD_HEADERS);
    assert.equal(reply.body.Result.ResultData.GRID.DATA.ROW[0].id, 1);
  });
});

Deno.test("simulator: page size defaults and cap", async () => {
  await withSimulator({ pfaRows: { RIO: 12_000 } }, async (h) => {
    const body = gridRequest({});
    delete body.GRID.NUMBER_OF_ROWS_FIRST_RETURNED;
    const defaulted = await h.postRaw(JSON.stringify(body), GOOD_HEADERS);
    assert.equal(defaulted.body.Result.ResultData.GRID.DATA.ROW.length, 100);
    const capped = await h.post({ pageSize: 20_000 });
    assert.equal(capped.body.Result.ResultData.GRID.DATA.ROW.length, 10_000);
    assert.equal(metadataOf(capped.body).MORERECORDPRESENT, "+");
  });
});

Deno.test("simulator: org = filter skips sibling codes", async () => {
  await withSimulator({ pfaRows: { CCL3: 30, CCL3B: 20 } }, async (h) => {
    const names = await fieldNames(h);
    const exact = await h.post({ pageSize: 100, filters: [organizationFilter("CCL3")] });
    assert.equal(metadataOf(exact.body).RECORDS, "30");
    assert.ok(decodeRows(exact.body, names).every((row) => row.pfs_a_org === "CCL3"));

    const begins = await h.post({
      pageSize: 100,
      filters: [{ alias: "pfs_a_org", operator: "BEGINS", value: "CCL3" }],
    });
    assert.equal(metadataOf(begins.body).RECORDS, "50");
    const organizations = new Set(decodeRows(begins.body, names).map((row) => row.pfs_a_org));
    assert.deepEqual([...organizations], ["CCL3", "CCL3B"]);

    const unknown = await h.post({ filters: [organizationFilter("CCL")] });
    assert.equal(unknown.status, 200);
    assert.equal(metadataOf(unknown.body).RECORDS, "0");
  });
});

Deno.test("simulator: sort DESC by key and by rate", async () => {
  await withSimulator({ pfaRows: { RIO: 600 } }, async (h) => {
    const names = await fieldNames(h);
    const reply = await h.post({
      pageSize: 600,
      filters: [organizationFilter("RIO")],
      sort: { alias: "pfs_id", type: "DESC" },
    });
    const keys = decodeRows(reply.body, names).map((row) => row.pfs_id);
    assert.equal(keys[0], h.simulator.row("CUPFAG", "RIO", 599).pfs_id);
    assert.equal(keys[599], h.simulator.row("CUPFAG", "RIO", 0).pfs_id);
    for (let i = 1; i < keys.length; i++) assert.ok(keys[i - 1] > keys[i], `order at ${i}`);

    const byRate = await fetchAll(h, {
      pageSize: 150,
      filters: [organizationFilter("RIO")],
      sort: { alias: "pfs_f_rate", type: "ASC" },
    }, names);
    assert.equal(byRate.length, 600);
    const rates = byRate.map((row) => row.pfs_f_rate);
    const firstEmpty = rates.indexOf("");
    assert.ok(firstEmpty > 0, "some rates are empty");
    assert.ok(rates.slice(firstEmpty).every((rate) => rate === ""), "empty rates sort last");
    const numbers = rates.slice(0, firstEmpty).map((rate) => Number(rate.replaceAll(",", "")));
    for (let i = 1; i < numbers.length; i++) assert.ok(numbers[i - 1] <= numbers[i], `at ${i}`);
    assert.equal(new Set(byRate.map((row) => row.pfs_id)).size, 600);
  });
});

Deno.test("simulator: filter on source matches generated rows", async () => {
  await withSimulator({ pfaRows: { RIO: 3_000 } }, async (h) => {
    const names = await fieldNames(h);
    const expected = Array.from({ length: 3_000 }, (_, i) => h.simulator.row("CUPFAG", "RIO", i))
      .filter((row) => row.pfs_f_source === "RENTAL")
      .map((row) => row.pfs_id);
    const rows = await fetchAll(h, {
      pageSize: 1_000,
      filters: [organizationFilter("RIO"), {
        alias: "pfs_f_source",
        operator: "=",
        value: "RENTAL",
      }],
    }, names);
    assert.ok(expected.length > 1_500, `${expected.length} rentals`);
    assert.ok(expected.length < 2_700, `${expected.length} rentals`);
    assert.deepEqual(rows.map((row) => row.pfs_id), expected);
  });
});

Deno.test("simulator: DATETIME >= filter finds latest changes", async () => {
  await withSimulator({ pfaRows: { RIO: 4_000 }, revision: 3 }, async (h) => {
    const names = await fieldNames(h);
    const rows = await fetchAll(h, {
      pageSize: 1_000,
      filters: [
        organizationFilter("RIO"),
        { alias: "pfs_f_intlastupdated", operator: ">=", value: "03-NOV-2025 00:00" },
      ],
    }, names);
    const expected = Array.from({ length: 4_000 }, (_, i) => h.simulator.row("CUPFAG", "RIO", i))
      .filter((row) => row.pfs_f_intlastupdated.startsWith("03-NOV-2025"));
    assert.ok(expected.length > 200, `${expected.length} changed`);
    assert.ok(expected.length < 600, `${expected.length} changed`);
    assert.deepEqual(rows.map((row) => row.pfs_id), expected.map((row) => row.pfs_id));

    const isoValue = await h.post({
      type: "LIST.COUNT.STORED",
      filters: [{ alias: "pfs_f_intlastupdated", operator: ">=", value: "2025-11-03" }],
    });
    assert.equal(metadataOf(isoValue.body).RECORDS, String(expected.length));
  });
});

Deno.test("simulator: parentheses, OR and operators", async () => {
  await withSimulator({ pfaRows: { RIO: 2_000 } }, async (h) => {
    const all = Array.from({ length: 2_000 }, (_, i) => h.simulator.row("CUPFAG", "RIO", i));
    const count = async (filters: Filter[]) => {
      const reply = await h.post({ type: "LIST.COUNT.STORED", filters });
      assert.equal(reply.status, 200, JSON.stringify(reply.body.ErrorAlert));
      return Number(metadataOf(reply.body).RECORDS);
    };
    const rate = (row: Record<string, string>) => Number(row.pfs_f_rate.replaceAll(",", ""));
    const cases: [string, Filter[], (row: Record<string, string>) => boolean][] = [
      ["(purchase OR actualized) AND RIO", [
        { alias: "pfs_f_source", operator: "=", value: "PURCHASE", joiner: "OR", lparen: true },
        { alias: "pfa_act", operator: "=", value: "-1", rparen: true },
        organizationFilter("RIO"),
      ], (row) => row.pfs_f_source === "PURCHASE" || row.pfa_act === "+"],
      [
        "purchase OR actualized AND INFRA",
        [
          { alias: "pfs_f_source", operator: "=", value: "PURCHASE", joiner: "OR" },
          { alias: "pfa_act", operator: "=", value: "-1" },
          { alias: "pfs_a_corporate", operator: "=", value: "INFRA" },
        ],
        (row) =>
          row.pfs_f_source === "PURCHASE" ||
          (row.pfa_act === "+" && row.pfs_a_corporate === "INFRA"),
      ],
      [
        "rate > 50,000.00",
        [{ alias: "pfs_f_rate", operator: ">", value: "50,000.00" }],
        (row) => row.pfs_f_rate !== "" && rate(row) > 50_000,
      ],
      [
        "contract IS EMPTY",
        [{ alias: "pfa_ca_contract", operator: "IS EMPTY" }],
        (row) => row.pfa_ca_contract === "",
      ],
      [
        "equipment NOT EMPTY",
        [{ alias: "pfs_equipment", operator: "NOT EMPTY" }],
        (row) => row.pfs_equipment !== "",
      ],
      [
        "area IN",
        [{ alias: "pfs_a_corporate", operator: "IN", value: "INFRA, MINING" }],
        (row) => row.pfs_a_corporate === "INFRA" || row.pfs_a_corporate === "MINING",
      ],
      ["desc CONTAINS crane", [{ alias: "pfs_desc", operator: "CONTAINS", value: "crane" }], (
        row,
      ) => row.pfs_desc.includes("CRANE")],
      [
        "discontinued = Y",
        [{ alias: "pfa_dis", operator: "=", value: "Y" }],
        (row) => row.pfa_dis === "Y",
      ],
      ["start < 01-JAN-2025", [
        { alias: "pfs_f_startdate", operator: "<", value: "01-JAN-2025" },
      ], (row) =>
        row.pfs_f_startdate !== "" &&
        parseDateTime(row.pfs_f_startdate) < parseDateTime("01-JAN-2025")],
    ];
    for (const [label, filters, predicate] of cases) {
      const expected = all.filter(predicate).length;
      assert.ok(expected > 0, `${label}: ${expected} rows`);
      assert.ok(expected < 2_000, `${label}: ${expected} rows`);
      assert.equal(await count(filters), expected, label);
    }
  });
});

Deno.test("simulator: rejects bad credentials with 401", async () => {
  await withSimulator({ apiKey: "key-123" }, async (h) => {
    const cases: [string, Record<string, string>][] = [
      ["no credentials", { tenant: "DEMO_DEV", organization: "RIO" }],
      ["wrong password", { ...GOOD_HEADERS, authorization: `Basic ${btoa("pems:nope")}` }],
      ["wrong API key", { tenant: "DEMO_DEV", organization: "RIO", "x-api-key": "nope" }],
      ["wrong tenant", { ...GOOD_HEADERS, tenant: "OTHER_DEV" }],
    ];
    for (const [label, headers] of cases) {
      const reply = await h.post({}, headers);
      assert.equal(reply.status, 401, label);
      assert.match(reply.body.ErrorAlert[0].Message, /^Authorization failed/, label);
      assert.equal(typeof reply.body.ErrorAlert[0].Name, "string", label);
    }
    const withKey = await h.post({}, {
      tenant: "DEMO_DEV",
      organization: "RIO",
      "x-api-key": "key-123",
    });
    assert.equal(withKey.status, 200);
  });
});

Deno.test("simulator: rejects bad requests with 400", async () => {
  await withSimulator({}, async (h) => {
    const missingTenant = await h.post({}, { organization: "RIO", authorization: BASIC });
    assert.equal(missingTenant.status, 400);
    assert.match(missingTenant.body.ErrorAlert[0].Message, /tenant/);
    const missingOrganization = await h.post({}, { tenant: "DEMO_DEV", authorization: BASIC });
    assert.equal(missingOrganization.status, 400);
    assert.match(missingOrganization.body.ErrorAlert[0].Message, /organization/);

    const cases: [string, string, RegExp][] = [
      ["malformed JSON", "{", /invalid JSON/],
      ["unknown grid", JSON.stringify(gridRequest({ grid: "XYZ" })), /"XYZ"/],
      ["GRID_ID mismatch", JSON.stringify(gridRequest({ gridId: 100020 })), /100020/],
      [
        "unknown alias",
        JSON.stringify(
          gridRequest({ filters: [{ alias: "pfs_nope", operator: "=", value: "1" }] }),
        ),
        /pfs_nope/,
      ],
      [
        "bad operator",
        JSON.stringify(gridRequest({ filters: [{ alias: "pfs_id", operator: "~", value: "1" }] })),
        /"~"/,
      ],
      [
        "bad date",
        JSON.stringify(
          gridRequest({ filters: [{ alias: "pfs_f_startdate", operator: ">", value: "soon" }] }),
        ),
        /"soon"/,
      ],
      [
        "unknown sort",
        JSON.stringify(gridRequest({ sort: { alias: "nope", type: "ASC" } })),
        /"nope"/,
      ],
      [
        "bad request type",
        JSON.stringify(gridRequest({ type: "LIST.HEAD_DATA.STORED" })),
        /LIST\.HEAD_DATA\.STORED/,
      ],
      [
        "unbalanced parens",
        JSON.stringify(
          gridRequest({ filters: [{ alias: "pfs_id", operator: "=", value: "1", lparen: true }] }),
        ),
        /unbalanced/,
      ],
    ];
    for (const [label, body, pattern] of cases) {
      const reply = await h.postRaw(body, GOOD_HEADERS);
      assert.equal(reply.status, 400, label);
      assert.equal(reply.body.ErrorAlert.length, 1, label);
      assert.match(reply.body.ErrorAlert[0].Message, pattern, label);
    }

    const wrongPath = await fetch(h.url.replace("griddata", "grids"), {
      method: "POST",
      body: "{}",
    });
    assert.equal(wrongPath.status, 404);
    await wrongPath.body?.cancel();
    const wrongMethod = await fetch(h.url);
    assert.equal(wrongMethod.status, 405);
    await wrongMethod.body?.cancel();
  });
});

Deno.test("simulator: revision changes ~10% and 0 restores", async () => {
  await withSimulator({ pfaRows: { RIO: 10_000 } }, async (h) => {
    const names = await fieldNames(h);
    const parts = { pageSize: 5_000, filters: [organizationFilter("RIO")] };
    const base = await fetchAll(h, parts, names);
    h.simulator.setRevision(1);
    assert.equal(h.simulator.revision, 1);
    const revised = await fetchAll(h, parts, names);
    const changed = revised.filter((row, i) => JSON.stringify(row) !== JSON.stringify(base[i]));
    assert.ok(changed.length >= 500, `${changed.length} changed`);
    assert.ok(changed.length <= 1_500, `${changed.length} changed`);
    for (const row of changed) {
      assert.match(row.pfs_f_intlastupdated, /^01-NOV-2025 \d\d:\d\d$/);
      assert.equal(row.pfs_id, base[Number(row.pfs_id) - 1_000_000].pfs_id);
    }
    const unchangedColumns = ["pfs_id", "pfs_a_org", "pfs_a_category", "pfs_p_startdate"];
    for (const row of changed) {
      const before = base[Number(row.pfs_id) - 1_000_000];
      for (const alias of unchangedColumns) assert.equal(row[alias], before[alias], alias);
    }

    h.simulator.setRevision(0);
    assert.deepEqual(await fetchAll(h, parts, names), base);
  });
});

Deno.test("simulator: same seed gives same rows", async () => {
  const first = createSimulator({ seed: 7 });
  const second = createSimulator({ seed: 7 });
  const other = createSimulator({ seed: 8 });
  for (const grid of ["CUPFAG", "OSOBJA", "OSCATG"]) {
    for (const index of [0, 1, 999, 1_199]) {
      assert.deepEqual(first.row(grid, "BECH", index), second.row(grid, "BECH", index));
    }
    assert.notDeepEqual(first.row(grid, "BECH", 5), other.row(grid, "BECH", 5));
  }
  await withSimulator({ seed: 7 }, async (h) => {
    const names = await fieldNames(h);
    const reply = await h.post({ pageSize: 20 }, { ...GOOD_HEADERS, organization: "BECH" });
    const rows = decodeRows(reply.body, names);
    rows.forEach((row, index) => assert.deepEqual(row, first.row("CUPFAG", "BECH", index)));
  });
});

Deno.test("simulator: row values look like EAM cells", () => {
  const simulator = createSimulator({ pfaRows: { RIO: 500 } });
  const rows = Array.from({ length: 500 }, (_, i) => simulator.row("CUPFAG", "RIO", i));
  for (const alias of PFA_GRID.fields.map((field) => field.name)) {
    assert.ok(rows.some((row) => row[alias] !== ""), `${alias} is never filled`);
  }
  for (const row of rows) {
    assert.match(row.pfs_id, /^1\d{6}$/);
    assert.ok(row.pfs_desc.startsWith(row.pfs_a_category), row.pfs_desc);
    assert.match(row.pfa_act, /^[+-]$/);
    assert.match(row.pfa_dis, /^[YN]$/);
    assert.match(row.pfs_ft, /^(-1|0)$/);
    assert.match(row.pfs_f_source, /^(RENTAL|PURCHASE)$/);
    assert.match(row.pfs_f_dor, /^(BEO|PROJECT)$/);
    assert.match(row.pfs_f_rate, /^(|\d{1,3}(,\d{3})*\.\d\d)$/);
    assert.match(row.pfs_f_intlastupdated, /^\d\d-[A-Z]{3}-\d{4} \d\d:\d\d$/);
    for (
      const [start, end] of [["pfs_p_startdate", "pfs_p_enddate"], [
        "pfs_f_startdate",
        "pfs_f_enddate",
      ]]
    ) {
      if (row[start] === "") continue;
      assert.match(row[start], /^\d\d-[A-Z]{3}-\d{4}$/);
      assert.ok(parseDateTime(row[end]) > parseDateTime(row[start]), `${start} before ${end}`);
    }
  }
  const assets = Array.from({ length: 50 }, (_, i) => simulator.row("OSOBJA", "RIO", i));
  assert.equal(assets[7].obj_code, "RIO-EQ-000007");
  const categoryByCode = new Map(
    Array.from({ length: 1_200 }, (_, i) => simulator.row("OSCATG", "RIO", i))
      .map((row) => [row.cat_code, row]),
  );
  for (const row of rows) {
    assert.equal(categoryByCode.get(row.pfs_f_category)?.cat_desc, row.pfs_f_catdesc);
    assert.equal(categoryByCode.get(row.pfs_f_category)?.cat_class, row.pfs_f_class);
  }
  for (const asset of assets) {
    assert.equal(categoryByCode.get(asset.obj_category)?.cat_class, asset.obj_class);
  }
  for (const row of rows.filter((row) => row.pfs_equipment !== "")) {
    assert.match(row.pfs_equipment, /^RIO-EQ-\d{6}$/);
    assert.ok(Number(row.pfs_equipment.slice(-6)) < 3_700, row.pfs_equipment);
  }
  const categories = Array.from({ length: 1_200 }, (_, i) => simulator.row("OSCATG", "RIO", i));
  const codes = categories.map((row) => row.cat_code);
  for (let i = 1; i < codes.length; i++) assert.ok(codes[i - 1] < codes[i], `cat_code at ${i}`);
  assert.ok(codes.every((code) => /^\d{5}$/.test(code)));
});

Deno.test("simulator: 1,000,000-row page near the end", async () => {
  await withSimulator({}, async (h) => {
    h.simulator.setPfaRows("RIO", 1_000_000);
    assert.equal(h.simulator.rowCount("CUPFAG", "RIO"), 1_000_000);
    const names = await fieldNames(h);
    const started = performance.now();
    const reply = await h.post({
      cursor: 999_001,
      pageSize: 1_000,
      filters: [organizationFilter("RIO")],
    });
    const elapsed = performance.now() - started;
    const rows = decodeRows(reply.body, names);
    assert.equal(rows.length, 1_000);
    assert.equal(rows[0].pfs_id, "1999000");
    assert.equal(rows[999].pfs_id, "1999999");
    assert.equal(metadataOf(reply.body).RECORDS, "1000000");
    assert.equal(metadataOf(reply.body).CURRENTCURSORPOSITION, 1_000_000);
    assert.equal(metadataOf(reply.body).MORERECORDPRESENT, "-");
    // Generating all 1,000,000 rows takes seconds, so a fast reply shows that it did not.
    assert.ok(elapsed < 3_000, `page took ${elapsed.toFixed(0)} ms`);
  });
});

Deno.test("query engine: key-order pages generate only their rows", () => {
  let generated = 0;
  const source: RowSource = {
    organizations: ["RIO", "BECH"],
    revision: () => 0,
    rowCount: (_grid, organization) => organization === "RIO" ? 1_000_000 : 0,
    cells(_grid, organization, index) {
      generated++;
      const cells = new Array(PFA_GRID.fields.length).fill("");
      cells[PFA_GRID.fieldIndex.get("pfs_id")!] = String(1_000_000 + index);
      cells[PFA_GRID.fieldIndex.get("pfs_a_org")!] = organization;
      return cells;
    },
  };
  const engine = new QueryEngine(source);
  const organization = {
    kind: "condition" as const,
    alias: "pfs_a_org",
    column: PFA_GRID.fieldIndex.get("pfs_a_org")!,
    operator: "=" as const,
    value: "RIO",
  };
  const plan = engine.plan({ grid: PFA_GRID, filter: organization, sort: null }, "BECH");
  assert.equal(plan.kind, "range");
  const page = engine.page(plan, 999_001, 1_000);
  assert.equal(page.total, 1_000_000);
  assert.equal(page.rows.length, 1_000);
  assert.deepEqual(page.rows[0], { organization: "RIO", index: 999_000 });
  assert.equal(generated, 0);

  const descending = engine.plan({
    grid: PFA_GRID,
    filter: null,
    sort: { column: PFA_GRID.fieldIndex.get("pfs_id")!, descending: true },
  }, "RIO");
  assert.equal(descending.kind, "range");
  assert.deepEqual(engine.page(descending, 1, 1).rows, [{ organization: "RIO", index: 999_999 }]);
  assert.equal(generated, 0);
});

Deno.test("query engine: filtered results are cached", () => {
  let generated = 0;
  const source: RowSource = {
    organizations: ["RIO"],
    revision: () => 0,
    rowCount: () => 1_000,
    cells(_grid, organization, index) {
      generated++;
      const cells = new Array(PFA_GRID.fields.length).fill("");
      cells[PFA_GRID.fieldIndex.get("pfs_a_org")!] = organization;
      cells[PFA_GRID.fieldIndex.get("pfs_f_source")!] = index % 4 === 0 ? "PURCHASE" : "RENTAL";
      return cells;
    },
  };
  const engine = new QueryEngine(source);
  const filter = {
    kind: "condition" as const,
    alias: "pfs_f_source",
    column: PFA_GRID.fieldIndex.get("pfs_f_source")!,
    operator: "=" as const,
    value: "PURCHASE",
  };
  const first = engine.plan({ grid: PFA_GRID, filter, sort: null }, "RIO");
  assert.equal(generated, 1_000);
  const again = engine.plan({ grid: PFA_GRID, filter: { ...filter }, sort: null }, "RIO");
  assert.equal(generated, 1_000);
  assert.equal(again, first);
  assert.equal(engine.page(again, 2, 1).rows[0].index, 4);
  assert.equal(engine.page(again, 1, 10_000).total, 250);
});

Deno.test("parseRowsSetting: valid and invalid text", () => {
  assert.deepEqual(parseRowsSetting("RIO=200000,HOLNG=5000"), { RIO: 200_000, HOLNG: 5_000 });
  assert.deepEqual(parseRowsSetting(" RIO = 1_000 , CCL3B=0 "), { RIO: 1_000, CCL3B: 0 });
  assert.deepEqual(parseRowsSetting(""), {});
  const bad: [string, RegExp][] = [
    ["RIO", /"RIO"/],
    ["RIO=abc", /"abc"/],
    ["RIO=-5", /"-5"/],
    ["RIO=1,,HOLNG=2", /part ""/],
    ["=5", /organization code ""/],
    ["RIO=1,RIO=2", /duplicate organization RIO/],
    ["RIO=9000001", /9000001/],
  ];
  for (const [text, pattern] of bad) {
    assert.throws(() => parseRowsSetting(text), pattern, text);
  }
});

Deno.test("server settings: env values and errors", () => {
  const env = (values: Record<string, string>) => (name: string) => values[name];
  const defaults = readServerSettings(env({}));
  assert.deepEqual(defaults, { hostname: "127.0.0.1", port: 8070, options: {} });
  const custom = readServerSettings(env({
    PEMS_SIM_PORT: "9000",
    PEMS_SIM_ROWS: "RIO=10",
    PEMS_SIM_REVISION: "2",
    PEMS_SIM_SEED: "-4",
    PEMS_SIM_TENANT: "ACME_DEV",
    PEMS_SIM_PASSWORD: " spaced ",
  }));
  assert.equal(custom.port, 9000);
  assert.deepEqual(custom.options, {
    pfaRows: { RIO: 10 },
    revision: 2,
    seed: -4,
    tenant: "ACME_DEV",
    password: " spaced ",
  });
  const bad: [Record<string, string>, RegExp][] = [
    [{ PEMS_SIM_PORT: "80a" }, /PEMS_SIM_PORT "80a"/],
    [{ PEMS_SIM_PORT: "70000" }, /PEMS_SIM_PORT "70000"/],
    [{ PEMS_SIM_ROWS: "RIO=x" }, /PEMS_SIM_ROWS "RIO=x"/],
    [{ PEMS_SIM_REVISION: "-1" }, /PEMS_SIM_REVISION "-1"/],
    [{ PEMS_SIM_SEED: "1.5" }, /PEMS_SIM_SEED "1.5"/],
    [{ PEMS_SIM_USERNAME: "a:b" }, /PEMS_SIM_USERNAME "a:b"/],
  ];
  for (const [values, pattern] of bad) {
    assert.throws(() => readServerSettings(env(values)), pattern);
  }
});

Deno.test("simulator: invalid options throw", () => {
  assert.throws(() => createSimulator({ pfaRows: { RIO: -1 } }), /pfaRows\.RIO -1/);
  assert.throws(() => createSimulator({ assetRows: 1.5 }), /assetRows 1\.5/);
  assert.throws(() => createSimulator({ revision: -2 }), /revision -2/);
  assert.throws(() => createSimulator({ revision: 100_001 }), /revision 100001/);
  const simulator = createSimulator();
  assert.throws(() => simulator.setRevision(0.5), /revision 0\.5/);
  assert.throws(() => simulator.rowCount("NOPE", "RIO"), /"NOPE"/);
  assert.throws(() => simulator.row("CUPFAG", "RIO", 20_000), RangeError);
  assert.equal(simulator.rowCount("CUPFAG", "NOWHERE"), 0);
  assert.equal(simulator.rowCount("OSOBJA", "RIO"), 3_700);
  assert.equal(simulator.rowCount("OSCATG", "RIO"), 1_200);
});
