// The real EAM client against the real simulator over HTTP, with one injected fault or data
// change per test. The simulator's request log shows how many requests the client sent.
import assert from "node:assert/strict";
import {
  createEamClient,
  type EamClient,
  type EamConnection,
  type GridField,
  type GridRow,
} from "../sync/eam_client.ts";
import { EamError } from "../sync/eam_error.ts";
import { pfaEntity } from "../sync/entities.ts";
import { type GridQuery, organizationFilter } from "../sync/grid_request.ts";
import type { RetryInfo, RetryOptions } from "../sync/retry.ts";
import { mapRows } from "../sync/row_mapper.ts";
import { createSimulator, type Simulator, type SimulatorOptions } from "../simulator/handler.ts";

const QUERY: GridQuery = {
  grid: { name: "CUPFAG", id: 100541 },
  filters: [organizationFilter("pfs_a_org", "RIO")],
  sort: { alias: "pfs_id", direction: "ASC" },
};

/** Short real waits, so retries happen quickly. */
const FAST_RETRY: RetryOptions = { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 50 };

interface Served {
  simulator: Simulator;
  /** A client with FAST_RETRY, unless `retry` replaces it. */
  client(options?: {
    retry?: RetryOptions;
    timeoutMs?: number;
    auth?: EamConnection["auth"];
  }): EamClient;
  /** Retries the clients of this test reported, in order. */
  retries: RetryInfo[];
}

async function withSimulator(
  options: SimulatorOptions,
  test: (served: Served) => Promise<void>,
): Promise<void> {
  const simulator = createSimulator({ pfaRows: { RIO: 2500 }, ...options });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    simulator.handle,
  );
  const retries: RetryInfo[] = [];
  const client: Served["client"] = (settings = {}) =>
    createEamClient({
      url: `http://127.0.0.1:${server.addr.port}/axis/restservices/griddata`,
      auth: settings.auth ?? { type: "basic", username: "pems", password: "pems-demo" },
      tenant: "DEMO_DEV",
      organization: "RIO",
      timeoutMs: settings.timeoutMs,
    }, { retry: settings.retry ?? FAST_RETRY, onRetry: (info) => retries.push(info) });
  try {
    await test({ simulator, client, retries });
  } finally {
    await server.shutdown();
  }
}

async function rejection(promise: Promise<unknown>): Promise<EamError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof EamError, `expected an EamError, got ${error}`);
    return error;
  }
  assert.fail("expected the request to fail");
}

/** Returns [request type, cursor position, status, fault kinds] of each logged request. */
function requests(simulator: Simulator): [string, number | undefined, number, string[]][] {
  return simulator.requestLog.map((
    entry,
  ) => [entry.requestType ?? "", entry.cursorPosition, entry.status, entry.faults]);
}

/** Pages through QUERY as the sync engine does; `between` runs after each page. */
async function pageThrough(
  client: EamClient,
  fields: GridField[],
  pageSize: number,
  between: (pageNumber: number) => void = () => {},
): Promise<{ rows: GridRow[]; sizes: number[]; totals: (number | null)[] }> {
  const rows: GridRow[] = [];
  const sizes: number[] = [];
  const totals: (number | null)[] = [];
  let cursor = 1;
  for (let pageNumber = 1; pageNumber <= 20; pageNumber++) {
    const page = await client.fetchPage(QUERY, cursor, pageSize, fields);
    rows.push(...page.rows);
    sizes.push(page.rows.length);
    totals.push(page.totalCount);
    if (!page.moreRecords) return { rows, sizes, totals };
    assert.ok(page.nextCursorPosition > cursor, `cursor ${cursor} did not advance`);
    cursor = page.nextCursorPosition;
    between(pageNumber);
  }
  assert.fail("paging did not end within 20 pages");
}

Deno.test("HTTP 502, 503 and 504 are retried", async () => {
  for (const status of [502, 503, 504] as const) {
    await withSimulator({}, async ({ simulator, client, retries }) => {
      simulator.setFaults([{ kind: "status", status, times: 1 }]);
      assert.equal(await client().count(QUERY), 2500);
      assert.deepEqual(requests(simulator), [
        ["LIST.COUNT.STORED", undefined, status, ["status"]],
        ["LIST.COUNT.STORED", undefined, 200, []],
      ]);
      assert.equal(retries.length, 1);
      assert.equal(retries[0].error.kind, "http");
      assert.equal(retries[0].error.status, status);
    });
  }
});

Deno.test("persistent 503 gives up after maxAttempts", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    simulator.setFaults([{ kind: "status", status: 503 }]);
    const error = await rejection(client().count(QUERY));
    assert.equal(error.kind, "http");
    assert.equal(error.status, 503);
    assert.equal(error.attempts, 3);
    assert.equal(
      error.message,
      "EAM returned HTTP 503; EAM is overloaded or unavailable, try again later " +
        "(gave up after 3 attempts)",
    );
    assert.deepEqual(simulator.requestLog.map((entry) => entry.status), [503, 503, 503]);
  });
});

Deno.test("HTTP 500 is not retried", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    simulator.setFaults([{ kind: "status", status: 500, message: "ORA-00060: deadlock" }]);
    const alert = await rejection(client().count(QUERY));
    // The ErrorAlert body decides the kind, so the advice is about the request.
    assert.equal(alert.kind, "alert");
    assert.equal(alert.status, 500);
    assert.equal(alert.retryable, false);
    assert.match(alert.message, /^EAM returned ErrorAlert "ORA-00060: deadlock" \(HTTP 500\): /);

    simulator.setFaults([{ kind: "status", status: 500, body: "html" }]);
    const page = await rejection(client().count(QUERY));
    assert.equal(page.kind, "http");
    assert.match(page.message, /^EAM returned HTTP 500: "<html>.*; check the URL and the request$/);
    assert.deepEqual(simulator.requestLog.map((entry) => entry.status), [500, 500]);
  });
});

Deno.test("HTTP 429 waits for Retry-After", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    const sleeps: number[] = [];
    const sleep = (ms: number) => {
      sleeps.push(ms);
      return Promise.resolve();
    };
    simulator.setFaults([{ kind: "rate_limit", retryAfterSeconds: 2, times: 1 }]);
    const retry = { ...FAST_RETRY, maxDelayMs: 5_000, sleep };
    assert.equal(await client({ retry }).count(QUERY), 2500);
    assert.deepEqual(sleeps, [2000]);
    assert.deepEqual(simulator.requestLog.map((entry) => entry.status), [429, 200]);
  });
});

Deno.test("Retry-After beyond maxDelayMs fails at once", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    simulator.setFaults([{ kind: "rate_limit", retryAfterSeconds: 120 }]);
    const error = await rejection(client().count(QUERY));
    assert.equal(error.kind, "http");
    assert.equal(error.status, 429);
    assert.equal(error.retryAfterMs, 120_000);
    assert.match(error.message, /^EAM returned HTTP 429 with Retry-After 120 s; /);
    assert.equal(simulator.requestLog.length, 1);
  });
});

Deno.test("reset mid-body is retried", async () => {
  await withSimulator({}, async ({ simulator, client, retries }) => {
    const fields = await client().fetchFields(QUERY);
    simulator.setFaults([{ kind: "reset", times: 1, match: { cursorPosition: 1 } }]);
    const page = await client().fetchPage(QUERY, 1, 100, fields);
    assert.equal(page.rows.length, 100);
    assert.deepEqual(page.rows[99].cells, simulator.row("CUPFAG", "RIO", 99));
    assert.equal(retries[0].error.kind, "network");
    assert.deepEqual(requests(simulator).slice(1), [
      ["LIST.DATA_ONLY.STORED", 1, 200, ["reset"]],
      ["LIST.DATA_ONLY.STORED", 1, 200, []],
    ]);
  });
});

Deno.test("persistent resets give up as network error", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    simulator.setFaults([{ kind: "reset", bytes: 10 }]);
    const error = await rejection(client().count(QUERY));
    assert.equal(error.kind, "network");
    assert.equal(error.attempts, 3);
    assert.match(error.message, /^EAM request to 127\.0\.0\.1:\d+ failed: /);
    assert.match(error.message, /check the URL and the network \(gave up after 3 attempts\)$/);
    assert.equal(simulator.requestLog.length, 3);
  });
});

Deno.test("hang is cut by the request timeout", async () => {
  await withSimulator({}, async ({ simulator, client, retries }) => {
    const fields = await client().fetchFields(QUERY);
    simulator.setFaults([{ kind: "hang", bytes: 200, times: 1, match: { cursorPosition: 1 } }]);
    const page = await client({ timeoutMs: 300 }).fetchPage(QUERY, 1, 50, fields);
    assert.equal(page.rows.length, 50);
    assert.equal(retries.length, 1);
    assert.equal(retries[0].error.kind, "timeout");
    assert.match(retries[0].error.message, /^EAM request timed out after 300 ms: /);
    assert.deepEqual(requests(simulator).slice(1), [
      ["LIST.DATA_ONLY.STORED", 1, 200, ["hang"]],
      ["LIST.DATA_ONLY.STORED", 1, 200, []],
    ]);
  });
});

Deno.test("persistent hang gives up as timeout", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    simulator.setFaults([{ kind: "hang" }]);
    const retry = { ...FAST_RETRY, maxAttempts: 2 };
    const error = await rejection(client({ timeoutMs: 200, retry }).count(QUERY));
    assert.equal(error.kind, "timeout");
    assert.equal(error.attempts, 2);
    assert.match(error.message, /raise timeoutMs or lower the page size \(gave up after 2 /);
    assert.equal(simulator.requestLog.length, 2);
  });
});

Deno.test("latency within the timeout is no error", async () => {
  await withSimulator({}, async ({ simulator, client, retries }) => {
    simulator.setFaults([{ kind: "latency", ms: 50 }]);
    assert.equal(await client({ timeoutMs: 5_000 }).count(QUERY), 2500);
    assert.equal(retries.length, 0);
    assert.deepEqual(requests(simulator), [["LIST.COUNT.STORED", undefined, 200, ["latency"]]]);
  });
});

Deno.test("latency past the timeout is retried", async () => {
  await withSimulator({}, async ({ simulator, client, retries }) => {
    // The first handler runs its full wait after the client left, and the shutdown waits for it.
    simulator.setFaults([{ kind: "latency", ms: 1_000, times: 1 }]);
    assert.equal(await client({ timeoutMs: 200 }).count(QUERY), 2500);
    assert.equal(retries.length, 1);
    assert.equal(retries[0].error.kind, "timeout");
    assert.deepEqual(simulator.requestLog.map((entry) => entry.faults), [["latency"], []]);
    assert.equal(simulator.requestLog[1].status, 200);
  });
});

Deno.test("malformed JSON is a protocol error", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    simulator.setFaults([{ kind: "malformed_json", bytes: 40 }]);
    const error = await rejection(client().count(QUERY));
    assert.equal(error.kind, "protocol");
    assert.equal(error.retryable, false);
    assert.match(error.message, /^EAM response \(HTTP 200\) is not JSON: "\{"Result":/);
    assert.match(error.message, /check that the URL points to …\/axis\/restservices\/griddata$/);
    assert.equal(simulator.requestLog.length, 1);
  });
});

Deno.test("ErrorAlert with HTTP 200 fails the request", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    simulator.setFaults([{ kind: "error_alert", message: "Dataspy 100001 is locked." }]);
    const error = await rejection(client().fetchFields(QUERY));
    assert.equal(error.kind, "alert");
    assert.equal(error.status, 200);
    assert.equal(
      error.message,
      'EAM returned ErrorAlert "Dataspy 100001 is locked." (HTTP 200): ' +
        "check the grid, dataspy, filters and organization of the request",
    );
    assert.equal(simulator.requestLog.length, 1);
  });
});

Deno.test("HTTP 401 says to update the credentials", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    simulator.setFaults([{ kind: "bad_credentials" }]);
    const error = await rejection(client().count(QUERY));
    assert.equal(error.kind, "auth");
    assert.equal(error.status, 401);
    assert.equal(
      error.message,
      "EAM rejected the credentials (HTTP 401): update them in the API configuration",
    );
    assert.equal(simulator.requestLog.length, 1, "a 401 was retried");
  });
});

Deno.test("short page: paging continues after its last row", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    const fields = await client().fetchFields(QUERY);
    simulator.setFaults([{ kind: "short_page", rows: 300, match: { cursorPosition: 1001 } }]);
    const { rows, sizes } = await pageThrough(client(), fields, 1000);

    assert.deepEqual(sizes, [1000, 300, 1000, 200]);
    const keys = rows.map((row) => row.cells.pfs_id);
    assert.equal(new Set(keys).size, 2500);
    assert.deepEqual(keys, [...keys].sort());
    const cursors = simulator.requestLog.slice(1).map((entry) => entry.cursorPosition);
    assert.deepEqual(cursors, [1, 1001, 1301, 2301]);
  });
});

Deno.test("short page without rows keeps the cursor", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    const fields = await client().fetchFields(QUERY);
    simulator.setFaults([{ kind: "short_page", rows: 0 }]);
    const page = await client().fetchPage(QUERY, 11, 10, fields);
    // The client reports this page as it is; the sync engine fails the run on it.
    assert.deepEqual(page.rows, []);
    assert.equal(page.moreRecords, true);
    assert.equal(page.nextCursorPosition, 11);
  });
});

Deno.test("rows inserted before the cursor: repeats, misses", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    const fields = await client().fetchFields(QUERY);
    let inserted: string[] = [];
    const { rows, totals } = await pageThrough(client(), fields, 1000, (pageNumber) => {
      if (pageNumber === 1) inserted = simulator.insertRows("CUPFAG", "RIO", 5, 10);
    });

    const keys = rows.map((row) => row.cells.pfs_id);
    assert.equal(keys.length, 2505);
    const repeated = keys.filter((key, index) => keys.indexOf(key) !== index);
    assert.deepEqual(repeated, ["1000995", "1000996", "1000997", "1000998", "1000999"]);
    assert.deepEqual(inserted.filter((key) => keys.includes(key)), [], "an inserted row arrived");
    assert.deepEqual(totals, [2500, 2505, 2505]);
  });
});

Deno.test("rows deleted before the cursor: live rows missed", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    const fields = await client().fetchFields(QUERY);
    const { rows, totals } = await pageThrough(client(), fields, 1000, (pageNumber) => {
      if (pageNumber === 1) simulator.deleteRows("CUPFAG", "RIO", [10, 11, 12, 13, 14]);
    });

    const delivered = new Set(rows.map((row) => row.cells.pfs_id));
    const live = Array.from(
      { length: simulator.rowCount("CUPFAG", "RIO") },
      (_, index) => simulator.row("CUPFAG", "RIO", index).pfs_id,
    );
    const missed = live.filter((key) => !delivered.has(key));
    assert.deepEqual(missed, ["1001000", "1001001", "1001002", "1001003", "1001004"]);
    // TOTAL-COUNT of the later pages is the only sign of the change that a client gets.
    assert.deepEqual(totals, [2500, 2495, 2495]);
  });
});

Deno.test("bad cells reach the row mapper", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    const fields = await client().fetchFields(QUERY);
    const bad = (index: number, alias: string, value: string) => ({
      grid: "CUPFAG",
      organization: "RIO",
      index,
      alias,
      value,
    });
    simulator.setBadCells([
      bad(16, "pfs_p_startdate", "31-FEB-2025"),
      bad(17, "pfs_f_rate", "12,3x"),
      bad(18, "pfs_id", ""),
    ]);
    const page = await client().fetchPage(QUERY, 16, 5, fields);
    assert.equal(page.rows[1].cells.pfs_p_startdate, "31-FEB-2025");
    assert.equal(page.rows[2].cells.pfs_f_rate, "12,3x");

    const batch = mapRows(pfaEntity, page.rows, "UTC");
    const quarantined = batch.quarantined.map(({ position, key, field }) => ({
      position,
      key,
      field,
    }));
    assert.deepEqual(quarantined, [
      { position: 17, key: "1000016", field: "pfs_p_startdate" },
      { position: 18, key: "1000017", field: "pfs_f_rate" },
      { position: 19, key: null, field: "pfs_id" },
    ]);
    assert.deepEqual(batch.keys, ["1000015", "1000019"]);
  });
});

Deno.test("changed fields: stale aliasnums mislabel cells", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    const stale = await client().fetchFields(QUERY);
    const expected = simulator.row("CUPFAG", "RIO", 0);
    simulator.setFieldChanges({ grid: "CUPFAG", remove: ["pfs_desc"], renumber: true });

    // DATA_ONLY responses carry no FIELDS, so cached fields decode the shifted cells silently.
    const stalePage = await client().fetchPage(QUERY, 1, 1, stale);
    assert.equal(stalePage.rows[0].cells.pfs_desc, expected.pfs_id);
    assert.equal(stalePage.rows[0].cells.pfs_id, expected.pfs_orig_rowid);

    const fresh = await client().fetchFields(QUERY);
    assert.ok(!fresh.some((field) => field.name === "pfs_desc"), "pfs_desc is still listed");
    const freshPage = await client().fetchPage(QUERY, 1, 1, fresh);
    const { pfs_desc: _, ...kept } = expected;
    assert.deepEqual(freshPage.rows[0].cells, kept);
  });
});

Deno.test("changed fields: a renamed key column", async () => {
  await withSimulator({}, async ({ simulator, client }) => {
    const stale = await client().fetchFields(QUERY);
    simulator.setFieldChanges({ grid: "CUPFAG", rename: [{ from: "pfs_id", to: "pfa_key" }] });
    // The sort and filter aliases still name pfs_id, so EAM rejects the request.
    const error = await rejection(client().fetchPage(QUERY, 1, 1, stale));
    assert.equal(error.kind, "alert");
    assert.equal(error.status, 400);
    assert.match(error.message, /unknown ADDON_SORT\.ALIAS_NAME "pfs_id"/);
  });
});
