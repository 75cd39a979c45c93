import assert from "node:assert/strict";
import postgres from "postgres";
import {
  createSimulator,
  type SimulatorFault,
  type SimulatorOptions,
  validateFaults,
} from "../simulator/handler.ts";
import { suffixesBetween } from "../simulator/inserted_keys.ts";
import { readServerSettings } from "../simulator/settings.ts";
import { validateGridDataResponse } from "./openapi_validator.ts";
import { testServerUrl } from "./support/postgres.ts";

// deno-lint-ignore no-explicit-any
type Json = any;

interface RequestParts {
  grid?: string;
  type?: string;
  cursor?: number;
  pageSize?: number;
  filters?: { alias: string; operator: string; value: string }[];
  sort?: { alias: string; type: "ASC" | "DESC" };
}

const BASIC = `Basic ${btoa("pems:pems-demo")}`;
const HEADERS = { tenant: "DEMO_DEV", organization: "RIO", authorization: BASIC };
const DATA = "LIST.DATA_ONLY.STORED";
const COUNT = "LIST.COUNT.STORED";
const HEAD = "LIST.HEAD_ONLY.STORED";

function requestBody(parts: RequestParts): string {
  const body: Json = {
    GRID: {
      GRID_NAME: parts.grid ?? "CUPFAG",
      NUMBER_OF_ROWS_FIRST_RETURNED: parts.pageSize ?? 10,
      CURSOR_POSITION: parts.cursor ?? 1,
    },
    GRID_TYPE: { TYPE: "LIST" },
    REQUEST_TYPE: parts.type ?? DATA,
  };
  if (parts.sort) body.ADDON_SORT = { ALIAS_NAME: parts.sort.alias, TYPE: parts.sort.type };
  if (parts.filters) {
    body.MULTIADDON_FILTERS = {
      MADDON_FILTER: parts.filters.map((filter, index) => ({
        SEQNUM: index,
        ALIAS_NAME: filter.alias,
        OPERATOR: filter.operator,
        VALUE: filter.value,
        JOINER: "AND",
        LPAREN: "false",
        RPAREN: "false",
      })),
    };
  }
  return JSON.stringify(body);
}

/** Starts a simulator on 127.0.0.1, runs `test` and shuts the server down. */
async function withSimulator(
  options: SimulatorOptions,
  test: (served: {
    simulator: ReturnType<typeof createSimulator>;
    send(
      parts?: RequestParts,
      init?: RequestInit,
      headers?: Record<string, string>,
    ): Promise<Response>;
    post(parts?: RequestParts, headers?: Record<string, string>): Promise<Json>;
  }) => Promise<void>,
): Promise<void> {
  const simulator = createSimulator({ pfaRows: { RIO: 200 }, ...options });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    simulator.handle,
  );
  const url = `http://127.0.0.1:${server.addr.port}/axis/restservices/griddata`;
  const send = (parts: RequestParts = {}, init: RequestInit = {}, headers = HEADERS) =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: requestBody(parts),
      ...init,
    });
  const post = async (parts: RequestParts = {}, headers = HEADERS) => {
    const response = await send(parts, {}, headers);
    assert.equal(response.status, 200, `HTTP ${response.status} for ${JSON.stringify(parts)}`);
    return await response.json();
  };
  try {
    await test({ simulator, send, post });
  } finally {
    await server.shutdown();
  }
}

function gridOf(body: Json): Json {
  return body.Result.ResultData.GRID;
}

function keysOf(body: Json): string[] {
  return (gridOf(body).DATA?.ROW ?? []).map((row: Json) => row.D[1].value);
}

async function responseText(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer());
}

Deno.test("faults: validation names the bad field", () => {
  const cases: [unknown, RegExp][] = [
    [{}, /^Error: invalid faults: expected an array of faults$/],
    [[{}], /^Error: missing faults\[0\]\.kind: use one of latency, status, /],
    [[{ kind: "slow" }], /^Error: invalid faults\[0\]\.kind "slow": use one of latency, /],
    [[{ kind: "latency" }], /^Error: missing faults\[0\]\.ms: /],
    [
      [{ kind: "latency", ms: -1 }],
      /^Error: invalid faults\[0\]\.ms -1: expected an integer from 0 /,
    ],
    [
      [{ kind: "status", status: 404 }],
      /^Error: invalid faults\[0\]\.status 404: use one of 500, 502/,
    ],
    [
      [{ kind: "status", times: 0 }],
      /^Error: invalid faults\[0\]\.times 0: expected an integer from 1/,
    ],
    [[{ kind: "reset", skip: 1.5 }], /^Error: invalid faults\[0\]\.skip 1\.5: /],
    [
      [{ kind: "hang", retryAfterSeconds: 1 }],
      /^Error: unknown field faults\[0\]\.retryAfterSeconds /,
    ],
    [
      [{ kind: "status", match: { cursor: 3 } }],
      /^Error: unknown field faults\[0\]\.match\.cursor in/,
    ],
    [
      [{ kind: "status", match: { grid: "CUPFAX" } }],
      /^Error: invalid faults\[0\]\.match\.grid "CUPFAX"/,
    ],
    [[{ kind: "status", match: { requestType: "LIST" } }], /match\.requestType "LIST": use/],
    [
      [{ kind: "error_alert", message: "" }],
      /^Error: invalid faults\[0\]\.message "": expected a non/,
    ],
    [[{ kind: "status" }, "x"], /^Error: invalid faults\[1\] "x": expected an object$/],
  ];
  for (const [faults, expected] of cases) {
    assert.throws(() => validateFaults(faults), expected, JSON.stringify(faults));
  }
  assert.throws(
    () => createSimulator({ faults: [{ kind: "hang", ms: 0 }] }),
    /^Error: invalid faults\[0\]\.ms 0: expected an integer from 1 to 600000$/,
  );
  const simulator = createSimulator();
  assert.throws(() => simulator.setFaults([{ kind: "rate_limit", retryAfterSeconds: -1 }]), /-1/);
});

Deno.test("faults: PEMS_SIM_FAULTS is read and checked", () => {
  const env = (faults: string) => (name: string) => name === "PEMS_SIM_FAULTS" ? faults : undefined;
  const faults = '[{"kind":"status","status":502,"times":2,"match":{"grid":"cupfag"}}]';
  assert.deepEqual(readServerSettings(env(faults)).options.faults, [
    { kind: "status", status: 502, times: 2, match: { grid: "cupfag" } },
  ]);
  assert.throws(
    () => readServerSettings(env('[{"kind":"status","times":"2"}]')),
    /^Error: invalid PEMS_SIM_FAULTS\[0\]\.times "2": expected an integer/,
  );
  assert.throws(
    () => readServerSettings(env("[{kind:status}]")),
    /^Error: invalid PEMS_SIM_FAULTS \(.*\): expected a JSON array such as /,
  );
});

Deno.test("faults: status honours skip, times and match", async () => {
  await withSimulator({}, async ({ simulator, send }) => {
    simulator.setFaults([{
      kind: "status",
      status: 503,
      skip: 1,
      times: 2,
      match: { requestType: DATA },
    }]);
    const statuses = [];
    for (let request = 0; request < 4; request++) statuses.push((await send()).status);
    const count = await send({ type: COUNT });
    await count.body?.cancel();

    assert.deepEqual(statuses, [200, 503, 503, 200]);
    assert.equal(count.status, 200);
    assert.deepEqual(simulator.faultHits, [2]);
    assert.deepEqual(simulator.requestLog.map((entry) => entry.status), [200, 503, 503, 200, 200]);
    assert.deepEqual(simulator.requestLog.map((entry) => entry.faults), [
      [],
      ["status"],
      ["status"],
      [],
      [],
    ]);
  });
});

Deno.test("faults: status bodies are vendor shaped", async () => {
  await withSimulator({}, async ({ simulator, send }) => {
    simulator.setFaults([{ kind: "status", status: 500, message: "ORA-00060: deadlock" }]);
    const alert = await send();
    assert.equal(alert.status, 500);
    const body = await alert.json();
    assert.deepEqual(body, {
      ErrorAlert: [{ Name: "InternalError", Message: "ORA-00060: deadlock" }],
    });
    assert.deepEqual(validateGridDataResponse(body), []);

    simulator.setFaults([{ kind: "status", status: 502, body: "html" }]);
    const html = await send();
    assert.equal(html.status, 502);
    assert.equal(html.headers.get("content-type"), "text/html");
    assert.match(await html.text(), /<title>502 Bad Gateway<\/title>/);

    simulator.setFaults([{ kind: "status", status: 504, body: "empty" }]);
    const empty = await send();
    assert.equal(empty.status, 504);
    assert.equal(await empty.text(), "");
  });
});

Deno.test("faults: rate_limit sends Retry-After", async () => {
  await withSimulator({}, async ({ simulator, send }) => {
    simulator.setFaults([{ kind: "rate_limit", retryAfterSeconds: 7, times: 1 }]);
    const limited = await send();
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "7");
    const body = await limited.json();
    assert.equal(body.ErrorAlert[0].Name, "TooManyRequests");
    assert.match(body.ErrorAlert[0].Message, /retry in 7 s/);
    const next = await send();
    await next.body?.cancel();
    assert.equal(next.status, 200);
  });
});

Deno.test("faults: bad_credentials rejects valid ones", async () => {
  await withSimulator({}, async ({ simulator, send }) => {
    simulator.setFaults([{ kind: "bad_credentials", match: { organization: "RIO" } }]);
    const rejected = await send();
    assert.equal(rejected.status, 401);
    assert.equal(rejected.headers.get("www-authenticate"), 'Basic realm="pems-simulator"');
    assert.match((await rejected.json()).ErrorAlert[0].Message, /^Authorization failed: /);
    const other = await send({}, {}, { ...HEADERS, organization: "HOLNG" });
    await other.body?.cancel();
    assert.equal(other.status, 200);
  });
});

Deno.test("faults: reset closes the connection mid-body", async () => {
  await withSimulator({}, async ({ simulator, send }) => {
    simulator.setFaults([{ kind: "reset", bytes: 100 }]);
    const response = await send({ pageSize: 50 });
    assert.equal(response.status, 200);
    assert.ok(Number(response.headers.get("content-length")) > 100, "content-length too small");
    await assert.rejects(response.text(), /error reading a body from connection/);
    assert.deepEqual(simulator.requestLog.map((entry) => [entry.status, entry.faults]), [[200, [
      "reset",
    ]]]);
  });
});

Deno.test("faults: hang lasts until the client aborts", async () => {
  await withSimulator({}, async ({ simulator, send }) => {
    simulator.setFaults([{ kind: "hang", bytes: 20, times: 1 }]);
    const response = await send({}, { signal: AbortSignal.timeout(200) });
    assert.equal(response.status, 200);
    await assert.rejects(response.text(), (error: Error) => error.name === "TimeoutError");
    const next = await send();
    await next.body?.cancel();
    assert.equal(next.status, 200);
    assert.deepEqual(simulator.requestLog.map((entry) => entry.faults), [["hang"], []]);
  });
});

Deno.test("faults: hang with ms closes the connection", async () => {
  await withSimulator({}, async ({ simulator, send }) => {
    simulator.setFaults([{ kind: "hang", ms: 50 }]);
    const response = await send();
    assert.equal(response.status, 200);
    await assert.rejects(response.text(), /error reading a body from connection/);
  });
});

Deno.test("faults: malformed_json cuts the body", async () => {
  await withSimulator({}, async ({ simulator, send }) => {
    const whole = await responseText(await send({ pageSize: 20 }));
    simulator.setFaults([{ kind: "malformed_json" }]);
    const response = await send({ pageSize: 20 });
    assert.equal(response.status, 200);
    const text = await responseText(response);
    assert.equal(text, whole.slice(0, Math.floor(whole.length / 2)));
    assert.throws(() => JSON.parse(text), SyntaxError);
  });
});

Deno.test("faults: error_alert comes with HTTP 200", async () => {
  await withSimulator({}, async ({ simulator, send }) => {
    simulator.setFaults([{ kind: "error_alert", name: "DSM-0042", message: "dataspy is locked" }]);
    for (const type of [DATA, COUNT, HEAD]) {
      const response = await send({ type });
      assert.equal(response.status, 200);
      const body = await response.json();
      assert.deepEqual(body.ErrorAlert, [{ Name: "DSM-0042", Message: "dataspy is locked" }]);
      assert.equal(gridOf(body).METADATA.RECORDS, "200", `${type} lost its Result`);
      assert.deepEqual(validateGridDataResponse(body), [], type);
    }
  });
});

Deno.test("faults: short_page sends fewer rows with +", async () => {
  await withSimulator({}, async ({ simulator, post }) => {
    simulator.setFaults([{ kind: "short_page", match: { cursorPosition: 1 } }]);
    const short = gridOf(await post({ cursor: 1, pageSize: 30 }));
    assert.equal(short.DATA.ROW.length, 15);
    assert.equal(short.METADATA.MORERECORDPRESENT, "+");
    assert.equal(short.METADATA.CURRENTCURSORPOSITION, 15);
    assert.equal(short.DATA.ROW[14].id, 15);

    // The last page is short too: 10 of the 20 rows left, still announcing more.
    simulator.setFaults([{ kind: "short_page", rows: 10 }]);
    const last = gridOf(await post({ cursor: 181, pageSize: 50 }));
    assert.equal(last.DATA.ROW.length, 10);
    assert.equal(last.METADATA.MORERECORDPRESENT, "+");

    simulator.setFaults([{ kind: "short_page", rows: 0 }]);
    const empty = gridOf(await post({ cursor: 11, pageSize: 10 }));
    assert.equal(empty.DATA.ROW.length, 0);
    assert.equal(empty.METADATA.MORERECORDPRESENT, "+");
    assert.equal(empty.METADATA.CURRENTCURSORPOSITION, 10);

    const count = gridOf(await post({ type: COUNT }));
    assert.equal(count.METADATA.RECORDS, "200");
    assert.deepEqual(simulator.requestLog.map((entry) => entry.rows), [15, 10, 0, undefined]);
  });
});

Deno.test("faults: latency stacks with another fault", async () => {
  await withSimulator({}, async ({ simulator, send }) => {
    simulator.setFaults([
      { kind: "latency", ms: 20, times: 2 },
      { kind: "status", status: 504, times: 1 },
      { kind: "status", status: 500 },
    ]);
    const statuses = [];
    for (let request = 0; request < 3; request++) {
      const response = await send();
      await response.body?.cancel();
      statuses.push(response.status);
    }
    assert.deepEqual(statuses, [504, 500, 500]);
    assert.deepEqual(simulator.faultHits, [2, 1, 2]);
    assert.deepEqual(simulator.requestLog.map((entry) => entry.faults), [
      ["latency", "status"],
      ["latency", "status"],
      ["status"],
    ]);
  });
});

Deno.test("faults: match on grid, organization, cursor", async () => {
  await withSimulator({}, async ({ simulator, send }) => {
    const cases: [SimulatorFault["match"], RequestParts, Record<string, string>, number][] = [
      [{ grid: "osobja" }, { grid: "OSOBJA" }, HEADERS, 503],
      [{ grid: "OSOBJA" }, { grid: "CUPFAG" }, HEADERS, 200],
      [{ organization: "HOLNG" }, {}, { ...HEADERS, organization: "HOLNG" }, 503],
      [{ organization: "HOLNG" }, {}, HEADERS, 200],
      [{ cursorPosition: 11 }, { cursor: 11 }, HEADERS, 503],
      [{ cursorPosition: 11 }, { cursor: 1 }, HEADERS, 200],
      [{ cursorPosition: 1 }, { type: COUNT }, HEADERS, 200],
      [{ requestType: HEAD }, { type: HEAD }, HEADERS, 503],
      [{ requestType: HEAD, grid: "OSCATG" }, { type: HEAD }, HEADERS, 200],
    ];
    for (const [match, parts, headers, expected] of cases) {
      simulator.setFaults([{ kind: "status", match }]);
      const response = await send(parts, {}, headers);
      await response.body?.cancel();
      assert.equal(response.status, expected, JSON.stringify({ match, parts }));
    }
  });
});

Deno.test("request log: fields and capacity", async () => {
  await withSimulator({ requestLogSize: 3 }, async ({ simulator, send, post }) => {
    await post({ type: COUNT });
    await post({
      cursor: 21,
      pageSize: 7,
      filters: [
        { alias: "pfs_a_org", operator: "=", value: "RIO" },
        { alias: "pfs_id", operator: ">", value: "1000005" },
      ],
      sort: { alias: "pfs_id", type: "DESC" },
    });
    const rejected = await send({}, {}, { ...HEADERS, authorization: `Basic ${btoa("pems:x")}` });
    await rejected.body?.cancel();
    await post({ type: HEAD, grid: "OSCATG" });

    const log = simulator.requestLog;
    assert.deepEqual(log.map((entry) => entry.sequence), [2, 3, 4]);
    assert.deepEqual(log[0], {
      sequence: 2,
      method: "POST",
      path: "/axis/restservices/griddata",
      organization: "RIO",
      requestType: DATA,
      grid: "CUPFAG",
      cursorPosition: 21,
      pageSize: 7,
      filters: "pfs_a_org = RIO AND pfs_id > 1000005",
      sort: "pfs_id DESC",
      status: 200,
      rows: 7,
      faults: [],
    });
    assert.equal(log[1].status, 401);
    assert.equal(log[1].requestType, undefined);
    assert.equal(log[2].grid, "OSCATG");
    assert.equal(log[2].cursorPosition, undefined);
    simulator.clearRequestLog();
    assert.deepEqual(simulator.requestLog, []);
  });
});

Deno.test("rows: insert before the cursor repeats rows", async () => {
  await withSimulator({}, async ({ simulator, post }) => {
    const first = keysOf(await post({ cursor: 1, pageSize: 10 }));
    const inserted = simulator.insertRows("CUPFAG", "RIO", 3, 2);
    const second = keysOf(await post({ cursor: 11, pageSize: 10 }));

    assert.deepEqual(inserted, ["1000002H", "1000002N", "1000002U"]);
    assert.equal(simulator.rowCount("CUPFAG", "RIO"), 203);
    assert.deepEqual(second.slice(0, 3), first.slice(7, 10), "rows 8-10 are served again");
    const all = Array.from({ length: 203 }, (_, index) => simulator.row("CUPFAG", "RIO", index));
    assert.deepEqual(all.slice(3, 6).map((row) => row.pfs_id), inserted);
    assert.deepEqual(all.slice(10, 20).map((row) => row.pfs_id), second);
    const keys = all.map((row) => row.pfs_id);
    assert.deepEqual(keys, [...keys].sort());
    assert.equal(new Set(keys).size, 203);
    // An inserted row copies the cells of the row before it, except for the key.
    assert.deepEqual({ ...all[3], pfs_id: "" }, { ...all[2], pfs_id: "" });
  });
});

Deno.test("rows: delete before the cursor skips rows", async () => {
  await withSimulator({}, async ({ simulator, post }) => {
    const first = keysOf(await post({ cursor: 1, pageSize: 10 }));
    simulator.deleteRows("CUPFAG", "RIO", [2, "1000005"]);
    const second = keysOf(await post({ cursor: 11, pageSize: 10 }));

    assert.equal(simulator.rowCount("CUPFAG", "RIO"), 198);
    assert.equal(first[9], "1000009");
    assert.equal(second[0], "1000012", "rows 1000010 and 1000011 moved before the cursor");
    const total = gridOf(await post({ type: COUNT })).METADATA.RECORDS;
    assert.equal(total, "198");
    assert.throws(
      () => simulator.deleteRows("CUPFAG", "RIO", ["1000002"]),
      /^RangeError: no row with key "1000002" in CUPFAG RIO$/,
    );
  });
});

Deno.test("rows: insert after inserted and at the end", async () => {
  await withSimulator({ pfaRows: { RIO: 5 } }, async ({ simulator, post }) => {
    // Rows by position after each step, with base rows named by their index:
    const [middle] = simulator.insertRows("CUPFAG", "RIO", 1, 1); // 0 1 M 2 3 4
    const before = simulator.insertRows("CUPFAG", "RIO", 2, 1); // 0 1 B B M 2 3 4
    const after = simulator.insertRows("CUPFAG", "RIO", 30, 4); // 0 1 B B M A*30 2 3 4
    const appended = simulator.insertRows("CUPFAG", "RIO", 2); // ... 4 P P
    simulator.deleteRows("CUPFAG", "RIO", [middle, 0]); // 1 B B A*30 2 3 4 P P
    const again = simulator.insertRows("CUPFAG", "RIO", 1, 1); // 1 B G B A*30 2 3 4 P P

    const served = keysOf(await post({ pageSize: 100 }));
    const expected = [
      "1000001",
      before[0],
      ...again,
      before[1],
      ...after,
      "1000002",
      "1000003",
      "1000004",
      ...appended,
    ];
    assert.deepEqual(served, expected);
    assert.deepEqual(served, [...served].sort());
    assert.ok(!again.includes(middle), "a deleted key came back");
    assert.ok(after.every((key) => key > middle), `${after[0]} sorts before ${middle}`);
    const descending = keysOf(
      await post({ pageSize: 100, sort: { alias: "pfs_id", type: "DESC" } }),
    );
    assert.deepEqual(descending, [...expected].reverse());
    const filtered = keysOf(
      await post({
        pageSize: 100,
        filters: [{ alias: "pfs_id", operator: "BEGINS", value: "1000004" }],
      }),
    );
    assert.deepEqual(filtered, ["1000004", ...appended]);
  });
});

Deno.test("rows: filtered results see changes", async () => {
  await withSimulator({}, async ({ simulator, post }) => {
    const rental = [{ alias: "pfs_f_source", operator: "=", value: "RENTAL" }];
    const before = gridOf(await post({ type: COUNT, filters: rental })).METADATA.RECORDS;
    const firstRental = keysOf(await post({ filters: rental, pageSize: 1 }))[0];
    simulator.deleteRows("CUPFAG", "RIO", [firstRental]);
    const after = gridOf(await post({ type: COUNT, filters: rental })).METADATA.RECORDS;
    assert.equal(Number(after), Number(before) - 1);
  });
});

Deno.test("rows: changes reject bad arguments", () => {
  const simulator = createSimulator({ pfaRows: { RIO: 10, EMPTY: 0 } });
  const cases: [() => unknown, RegExp][] = [
    [() => simulator.insertRows("CUPFAX", "RIO", 1), /^RangeError: unknown grid "CUPFAX"/],
    [() => simulator.insertRows("CUPFAG", "EMPTY", 1), /it has no rows$/],
    [() => simulator.insertRows("CUPFAG", "RIO", 0), /invalid row count 0: expected 1 to/],
    [
      () => simulator.insertRows("CUPFAG", "RIO", 1, 10),
      /row index 10 out of range for CUPFAG RIO/,
    ],
    [() => simulator.deleteRows("CUPFAG", "RIO", [-1]), /row index -1 out of range/],
    [() => simulator.deleteRows("CUPFAG", "RIO", ["999"]), /no row with key "999"/],
  ];
  for (const [change, expected] of cases) assert.throws(change, expected);
  assert.equal(simulator.rowCount("CUPFAG", "RIO"), 10, "a rejected change changed rows");
});

Deno.test("rows: other grids and organizations", async () => {
  await withSimulator({ assetRows: 20, classificationRows: 20 }, async ({ simulator, post }) => {
    const [asset] = simulator.insertRows("OSOBJA", "RIO", 1, 0);
    const [category] = simulator.insertRows("OSCATG", "RIO", 1, 0);
    assert.equal(asset, "RIO-EQ-000000N");
    assert.match(category, /^010\d\dN$/);
    const assets = (gridOf(await post({ grid: "OSOBJA", pageSize: 3 })).DATA.ROW as Json[])
      .map((row) => row.D[0].value);
    assert.deepEqual(assets, ["RIO-EQ-000000", "RIO-EQ-000000N", "RIO-EQ-000001"]);
    const categories = (gridOf(await post({ grid: "OSCATG", pageSize: 3 })).DATA.ROW as Json[])
      .map((row) => row.D[0].value);
    assert.deepEqual(categories, [...categories].sort());
    assert.equal(categories[1], category);
    assert.equal(simulator.rowCount("OSOBJA", "HOLNG"), 20, "HOLNG changed with RIO");
    simulator.resetChanges();
    assert.equal(simulator.rowCount("OSOBJA", "RIO"), 20);
  });
});

Deno.test("inserted keys sort alike in Postgres", async () => {
  const simulator = createSimulator({ pfaRows: { RIO: 4 }, assetRows: 4 });
  simulator.insertRows("CUPFAG", "RIO", 40, 0);
  simulator.insertRows("CUPFAG", "RIO", 3, 1);
  simulator.insertRows("CUPFAG", "RIO", 2, 41);
  simulator.insertRows("OSOBJA", "RIO", 30, 2);
  const keys = (grid: string, alias: string) =>
    Array.from(
      { length: simulator.rowCount(grid, "RIO") },
      (_, i) => simulator.row(grid, "RIO", i)[alias],
    );
  const served = [...keys("CUPFAG", "pfs_id"), ...keys("OSOBJA", "obj_code")];
  assert.ok(served.some((key) => /^\d{7}[A-Z]{2,}$/.test(key)), "no key has a 2-letter suffix");
  assert.deepEqual(served, [...served].sort(), "served order is not code-unit order");

  const sql = postgres(testServerUrl, { max: 1, onnotice: () => {} });
  try {
    for (const collation of ["C", "und-x-icu", "en-US-x-icu"]) {
      const rows = await sql.unsafe(
        `select key from unnest($1::text[]) as key order by key collate "${collation}"`,
        [served],
      );
      assert.deepEqual(rows.map((row) => row.key), [...served].sort(), `collation ${collation}`);
    }
  } finally {
    await sql.end();
  }
});

Deno.test("inserted keys: suffixes stay between bounds", () => {
  const cases: [string, string | null, number][] = [
    ["", null, 1],
    ["", null, 700],
    ["", "B", 5],
    ["N", "NB", 3],
    ["AAN", "AB", 30],
    ["Z", null, 3],
  ];
  for (const [low, high, count] of cases) {
    const suffixes = suffixesBetween(low, high, count);
    assert.equal(suffixes.length, count);
    const bounded = [low, ...suffixes, ...(high === null ? [] : [high])];
    for (let i = 1; i < bounded.length; i++) {
      assert.ok(
        bounded[i - 1] < bounded[i],
        `${bounded[i - 1]} !< ${bounded[i]} (${low}, ${high})`,
      );
    }
    assert.ok(suffixes.every((suffix) => /^[A-Z]*[B-Z]$/.test(suffix)), suffixes.join());
  }
  // Bisection keeps 700 suffixes at 3 letters (26^2 = 676 < 700).
  assert.equal(Math.max(...suffixesBetween("", null, 700).map((suffix) => suffix.length)), 3);
  assert.throws(() => suffixesBetween("B", "B", 1), /does not sort before/);
  assert.throws(() => suffixesBetween("BA", null, 1), /invalid key suffix "BA"/);
});

Deno.test("bad cells: served and kept with the row", async () => {
  await withSimulator({}, async ({ simulator, post }) => {
    simulator.setBadCells([
      {
        grid: "CUPFAG",
        organization: "RIO",
        index: 17,
        alias: "pfs_p_startdate",
        value: "31-FEB-2025",
      },
      { grid: "CUPFAG", organization: "RIO", index: 17, alias: "pfs_f_rate", value: "12,3x" },
      { grid: "CUPFAG", organization: "RIO", index: 18, alias: "pfs_id", value: "" },
    ]);
    const fields = gridOf(await post({ type: HEAD })).FIELDS.FIELD as Json[];
    const aliasnum = (alias: string) => fields.find((field) => field.name === alias).aliasnum;
    const value = (row: Json, alias: string) =>
      row.D.find((d: Json) => d.n === aliasnum(alias)).value;

    const rows = gridOf(await post({ cursor: 18, pageSize: 2 })).DATA.ROW;
    assert.equal(value(rows[0], "pfs_p_startdate"), "31-FEB-2025");
    assert.equal(value(rows[0], "pfs_f_rate"), "12,3x");
    assert.equal(value(rows[0], "pfs_id"), "1000017");
    assert.equal(value(rows[1], "pfs_id"), "");
    assert.equal(simulator.row("CUPFAG", "RIO", 17).pfs_f_rate, "12,3x");

    simulator.insertRows("CUPFAG", "RIO", 1, 0);
    assert.equal(simulator.row("CUPFAG", "RIO", 18).pfs_f_rate, "12,3x", "bad cell left its row");
    assert.equal(simulator.row("CUPFAG", "RIO", 19).pfs_id, "");
    simulator.setBadCells([]);
    assert.equal(simulator.row("CUPFAG", "RIO", 19).pfs_id, "1000018");
    assert.throws(
      () =>
        simulator.setBadCells([{
          grid: "CUPFAG",
          organization: "RIO",
          index: 1,
          alias: "nope",
          value: "",
        }]),
      /^RangeError: invalid bad cell 0: CUPFAG has no field "nope"$/,
    );
  });
});

Deno.test("field changes: HEAD, cells and filters", async () => {
  await withSimulator({}, async ({ simulator, post, send }) => {
    const before = simulator.row("CUPFAG", "RIO", 3);
    simulator.setFieldChanges({
      grid: "CUPFAG",
      remove: ["pfs_desc"],
      rename: [{ from: "pfs_f_rate", to: "pfs_rate" }],
      retype: [{ alias: "pfs_p_duration", type: "VARCHAR" }],
    });
    const head = await post({ type: HEAD });
    assert.deepEqual(validateGridDataResponse(head), []);
    const fields = gridOf(head).FIELDS.FIELD as Json[];
    assert.equal(fields.length, 71);
    assert.ok(!fields.some((field) => field.name === "pfs_desc"), "pfs_desc is still listed");
    assert.equal(fields[0].name, "pfs_id");
    assert.equal(fields[0].aliasnum, 2, "a field lost its aliasnum");
    assert.equal(
      fields.find((field) => field.name === "pfs_rate").aliasnum,
      48,
      "pfs_f_rate moved",
    );
    assert.equal(fields.find((field) => field.name === "pfs_p_duration").type, "VARCHAR");

    const names = new Map(fields.map((field) => [field.aliasnum, field.name]));
    const row = gridOf(await post({ cursor: 4, pageSize: 1 })).DATA.ROW[0];
    const cells = Object.fromEntries(row.D.map((cell: Json) => [names.get(cell.n), cell.value]));
    const { pfs_desc: _, pfs_f_rate: rate, ...kept } = before;
    assert.deepEqual(cells, { ...kept, pfs_rate: rate });
    assert.deepEqual(simulator.row("CUPFAG", "RIO", 3), cells);

    const renamed = [{ alias: "pfs_rate", operator: "NOT EMPTY", value: "" }];
    assert.ok(Number(gridOf(await post({ type: COUNT, filters: renamed })).METADATA.RECORDS) > 0);
    const old = await send({
      filters: [{ alias: "pfs_f_rate", operator: "NOT EMPTY", value: "" }],
    });
    assert.equal(old.status, 400);
    assert.match((await old.json()).ErrorAlert[0].Message, /unknown ALIAS_NAME "pfs_f_rate"/);

    simulator.setFieldChanges({ grid: "CUPFAG", remove: ["pfs_desc"], renumber: true });
    const renumbered = gridOf(await post({ type: HEAD })).FIELDS.FIELD as Json[];
    assert.deepEqual(
      renumbered.map((field) => field.aliasnum),
      Array.from({ length: 71 }, (_, i) => i + 1),
    );
    const first = gridOf(await post({ cursor: 4, pageSize: 1 })).DATA.ROW[0];
    assert.deepEqual(first.D[0], { n: 1, value: before.pfs_id });

    simulator.setFieldChanges([]);
    assert.deepEqual(simulator.row("CUPFAG", "RIO", 3), before);
  });
});

Deno.test("field changes: invalid changes throw", () => {
  const simulator = createSimulator();
  const cases: [unknown, RegExp][] = [
    [{ grid: "NOPE" }, /^RangeError: unknown grid "NOPE"/],
    [{ grid: "CUPFAG", remove: ["pfs_nope"] }, /remove\[0\] "pfs_nope" is not a field of CUPFAG$/],
    [
      { grid: "CUPFAG", rename: [{ from: "pfs_desc", to: "bad name" }] },
      /rename\[0\]\.to "bad name"/,
    ],
    [
      { grid: "CUPFAG", rename: [{ from: "pfs_desc", to: "pfs_id" }] },
      /two fields would be named pfs_id$/,
    ],
    [
      { grid: "CUPFAG", remove: ["pfs_desc"], rename: [{ from: "pfs_desc", to: "x" }] },
      /changes pfs_desc again: list each field/,
    ],
    [
      { grid: "CUPFAG", retype: [{ alias: "pfs_desc", type: "TEXT" }] },
      /retype\[0\]\.type "TEXT": use one of/,
    ],
    [[{ grid: "OSOBJA" }, { grid: "osobja" }], /OSOBJA is changed twice$/],
  ];
  for (const [changes, expected] of cases) {
    assert.throws(
      () => simulator.setFieldChanges(changes as never),
      expected,
      JSON.stringify(changes),
    );
  }
  assert.equal(
    Object.keys(simulator.row("CUPFAG", "RIO", 0)).length,
    72,
    "a rejected change applied",
  );
});
