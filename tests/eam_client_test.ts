import assert from "node:assert/strict";
import { createEamClient, type EamConnection, type GridField } from "../sync/eam_client.ts";
import { EamError } from "../sync/eam_error.ts";
import { type GridQuery, organizationFilter } from "../sync/grid_request.ts";
import { parseRetryAfter, retryEamRequest, type RetryInfo } from "../sync/retry.ts";
import { createSimulator } from "../simulator/handler.ts";
import { validateGridDataHeaders, validateGridDataRequest } from "./openapi_validator.ts";

const PASSWORD = "s3cret-pass";

const QUERY: GridQuery = {
  grid: { name: "CUPFAG", id: 100541 },
  filters: [organizationFilter("pfs_a_org", "RIO")],
  sort: { alias: "pfs_id", direction: "ASC" },
};

const FIELDS: GridField[] = [
  { aliasnum: 1, name: "pfs_id", label: "PFA ID", type: "VARCHAR" },
  { aliasnum: 2, name: "pfs_a_org", label: "PEMS Organization", type: "VARCHAR" },
  { aliasnum: 5, name: "pfs_f_rate", label: "Rental Rate", type: "DECIMAL" },
];

/** A request as the fixture server received it. */
interface ReceivedRequest {
  method: string;
  headers: Headers;
  body: unknown;
}

type Reply = () => Response;

/** A fixture server on 127.0.0.1 that responds to the n-th request with the n-th reply. */
interface Fixture {
  url: string;
  received: ReceivedRequest[];
  close(): Promise<void>;
}

function startFixture(replies: Reply[]): Fixture {
  const received: ReceivedRequest[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (request) => {
      const text = await request.text();
      received.push({ method: request.method, headers: request.headers, body: JSON.parse(text) });
      const reply = replies[Math.min(received.length, replies.length) - 1];
      return reply();
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}/axis/restservices/griddata`,
    received,
    close: () => server.shutdown(),
  };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Reply {
  return () =>
    new Response(JSON.stringify(body), {
      status,
      headers: { "content-type": "application/json", ...headers },
    });
}

function text(body: string, status: number, headers: Record<string, string> = {}): Reply {
  return () => new Response(body, { status, headers });
}

function gridResponse(grid: Record<string, unknown>, type = "LIST.DATA_ONLY.STORED"): unknown {
  return {
    Result: {
      SessionID: null,
      ResultData: { type, GRID: grid },
      InfoAlert: null,
      WarningAlert: null,
    },
    ErrorAlert: [],
  };
}

function dataResponse(rows: unknown[], more: "+" | "-", extra: Record<string, unknown> = {}) {
  return gridResponse({
    METADATA: { RECORDS: String(rows.length), MORERECORDPRESENT: more },
    DATA: { ROW: rows },
    ...extra,
  });
}

const FIELDS_RESPONSE = gridResponse({
  METADATA: { GRIDID: 100541, GRIDNAME: "CUPFAG" },
  FIELDS: {
    FIELD: FIELDS.map((field) => ({ ...field, order: String(field.aliasnum), visible: "+" })),
  },
}, "LIST.HEAD_ONLY.STORED");

const ALERT_RESPONSE = {
  Result: null,
  ErrorAlert: [{ Name: "EAM-1001", Message: "Grid CUPFAX does not exist." }],
};

function connection(url: string, overrides: Partial<EamConnection> = {}): EamConnection {
  return {
    url,
    auth: { type: "basic", username: "pems", password: PASSWORD },
    tenant: "DEMO_DEV",
    organization: "RIO",
    ...overrides,
  };
}

/** Retry options with recorded sleeps and no real waiting. */
function fakeRetry(maxAttempts = 5) {
  const sleeps: number[] = [];
  return {
    sleeps,
    retry: {
      maxAttempts,
      random: () => 0.5,
      sleep: (ms: number) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    },
  };
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

function assertNoSecrets(error: Error): void {
  assert.ok(!error.message.includes(PASSWORD), "message contains the password");
  assert.ok(!error.message.includes(btoa(`pems:${PASSWORD}`)), "message contains the auth header");
  assert.ok(!/authorization/i.test(error.message), "message mentions the Authorization header");
}

Deno.test("fetchFields sends auth, headers and valid body", async () => {
  const fixture = startFixture([json(FIELDS_RESPONSE)]);
  try {
    const client = createEamClient(connection(fixture.url));
    const fields = await client.fetchFields(QUERY);
    assert.deepEqual(fields, FIELDS);

    assert.equal(fixture.received.length, 1);
    const request = fixture.received[0];
    assert.equal(request.method, "POST");
    assert.equal(request.headers.get("authorization"), `Basic ${btoa(`pems:${PASSWORD}`)}`);
    assert.equal(request.headers.get("tenant"), "DEMO_DEV");
    assert.equal(request.headers.get("organization"), "RIO");
    assert.equal(request.headers.get("content-type"), "application/json");
    assert.equal(request.headers.get("accept"), "application/json");
    assert.deepEqual(validateGridDataHeaders(request.headers), []);
    assert.deepEqual(validateGridDataRequest(request.body, { rejectUnknownProperties: true }), []);
    assert.equal((request.body as Record<string, unknown>).REQUEST_TYPE, "LIST.HEAD_ONLY.STORED");
  } finally {
    await fixture.close();
  }
});

Deno.test("fetchFields without FIELDS is protocol error", async () => {
  const fixture = startFixture([json(gridResponse({ METADATA: {} }))]);
  try {
    const error = await rejection(createEamClient(connection(fixture.url)).fetchFields(QUERY));
    assert.equal(error.kind, "protocol");
    assert.match(error.message, /no FIELDS\.FIELD columns for grid "CUPFAG"/);
  } finally {
    await fixture.close();
  }
});

Deno.test("count reads METADATA.RECORDS", async () => {
  const countResponse = gridResponse(
    { METADATA: { RECORDS: "2,500" }, "TOTAL-COUNT": "9" },
    "LIST.COUNT.STORED",
  );
  const fixture = startFixture([json(countResponse)]);
  try {
    assert.equal(await createEamClient(connection(fixture.url)).count(QUERY), 2500);
    const body = fixture.received[0].body as Record<string, unknown>;
    assert.equal(body.REQUEST_TYPE, "LIST.COUNT.STORED");
    assert.deepEqual(validateGridDataRequest(body, { rejectUnknownProperties: true }), []);
  } finally {
    await fixture.close();
  }
});

Deno.test("count falls back to TOTAL-COUNT", async () => {
  const fixture = startFixture([
    json(gridResponse({ METADATA: {}, "TOTAL-COUNT": "8807" }, "LIST.COUNT.STORED")),
    json(gridResponse({ METADATA: { RECORDS: "" }, "TOTAL-COUNT": "12" }, "LIST.COUNT.STORED")),
    json(gridResponse({ METADATA: { RECORDS: "many" } }, "LIST.COUNT.STORED")),
  ]);
  try {
    const client = createEamClient(connection(fixture.url));
    assert.equal(await client.count(QUERY), 8807);
    assert.equal(await client.count(QUERY), 12);
    const error = await rejection(client.count(QUERY));
    assert.equal(error.kind, "protocol");
    assert.match(error.message, /METADATA\.RECORDS or TOTAL-COUNT/);
  } finally {
    await fixture.close();
  }
});

Deno.test("fetchPage decodes cells by aliasnum", async () => {
  const rows = [
    { id: 11, D: [{ n: 2, value: "RIO" }, { n: 1, value: "78497" }, { n: 5, value: "1,250.00" }] },
    { id: 12, D: [{ n: 1, value: "78498" }] },
  ];
  const fixture = startFixture([json(dataResponse(rows, "+", { "TOTAL-COUNT": "40" }))]);
  try {
    const page = await createEamClient(connection(fixture.url)).fetchPage(QUERY, 11, 2, FIELDS);
    assert.deepEqual(page.rows, [
      { id: 11, cells: { pfs_id: "78497", pfs_a_org: "RIO", pfs_f_rate: "1,250.00" } },
      { id: 12, cells: { pfs_id: "78498", pfs_a_org: "", pfs_f_rate: "" } },
    ]);
    assert.equal(page.moreRecords, true);
    assert.equal(page.nextCursorPosition, 13);
    assert.equal(page.totalCount, 40);

    const body = fixture.received[0].body as { GRID: Record<string, unknown> };
    assert.deepEqual(validateGridDataRequest(body, { rejectUnknownProperties: true }), []);
    assert.equal(body.GRID.CURSOR_POSITION, 11);
    assert.equal(body.GRID.NUMBER_OF_ROWS_FIRST_RETURNED, 2);
    assert.equal(body.GRID.WSGRIDSZ_OVERRIDE, 2);
  } finally {
    await fixture.close();
  }
});

Deno.test("fetchPage prefers FIELDS from the response", async () => {
  const responseFields = {
    FIELD: [{ aliasnum: 7, name: "pfs_id", label: "PFA ID", type: "VARCHAR" }],
  };
  const rows = [{ id: 1, D: [{ n: 7, value: "78497" }] }];
  const fixture = startFixture([json(dataResponse(rows, "-", { FIELDS: responseFields }))]);
  try {
    const page = await createEamClient(connection(fixture.url)).fetchPage(QUERY, 1, 10, FIELDS);
    assert.deepEqual(page.rows, [{ id: 1, cells: { pfs_id: "78497" } }]);
    assert.equal(page.moreRecords, false);
    assert.equal(page.totalCount, null);
  } finally {
    await fixture.close();
  }
});

Deno.test("fetchPage reads terse R rows", async () => {
  const grid = {
    METADATA: { MORERECORDPRESENT: "-" },
    DATA: { R: [{ D: [{ n: 1, value: "78497" }] }, { D: [{ n: 1, value: "78498" }] }] },
  };
  const fixture = startFixture([json(gridResponse(grid))]);
  try {
    const page = await createEamClient(connection(fixture.url)).fetchPage(QUERY, 21, 10, FIELDS);
    assert.deepEqual(page.rows.map((row) => row.id), [21, 22]);
    assert.deepEqual(page.rows.map((row) => row.cells.pfs_id), ["78497", "78498"]);
    assert.equal(page.nextCursorPosition, 23);
  } finally {
    await fixture.close();
  }
});

Deno.test("fetchPage treats missing DATA as no rows", async () => {
  const fixture = startFixture([
    json(gridResponse({ METADATA: { MORERECORDPRESENT: "-" } })),
    json(gridResponse({ METADATA: { MORERECORDPRESENT: "-" }, DATA: null })),
    json(gridResponse({ METADATA: { MORERECORDPRESENT: "-" }, DATA: { ROW: [] } })),
    json(gridResponse({ DATA: {} })),
  ]);
  try {
    const client = createEamClient(connection(fixture.url));
    for (const shape of ["DATA absent", "DATA null", "ROW empty", "METADATA absent"]) {
      const page = await client.fetchPage(QUERY, 5001, 5000, FIELDS);
      assert.deepEqual(page.rows, [], shape);
      assert.equal(page.moreRecords, false, shape);
      assert.equal(page.nextCursorPosition, 5001, shape);
    }
  } finally {
    await fixture.close();
  }
});

Deno.test("fetchPage rejects cells of unknown columns", async () => {
  const rows = [{ id: 1, D: [{ n: 99, value: "x" }] }];
  const fixture = startFixture([json(dataResponse(rows, "-"))]);
  try {
    const client = createEamClient(connection(fixture.url));
    const error = await rejection(client.fetchPage(QUERY, 1, 10, FIELDS));
    assert.equal(error.kind, "protocol");
    assert.equal(error.retryable, false);
    assert.match(error.message, /n=99 in row 0.*fetch the fields again/);
  } finally {
    await fixture.close();
  }
});

Deno.test("fetchPage decodes 5,000 rows of 70 cells", async () => {
  const wideFields: GridField[] = Array.from({ length: 70 }, (_, index) => ({
    aliasnum: index + 1,
    name: `col_${index + 1}`,
    label: `Column ${index + 1}`,
    type: "VARCHAR",
  }));
  const rows = Array.from({ length: 5000 }, (_, rowIndex) => ({
    id: rowIndex + 1,
    D: wideFields.map((field) => ({ n: field.aliasnum, value: `${rowIndex}:${field.aliasnum}` })),
  }));
  const fixture = startFixture([json(dataResponse(rows, "+"))]);
  try {
    const client = createEamClient(connection(fixture.url));
    const page = await client.fetchPage(QUERY, 1, 5000, wideFields);
    assert.equal(page.rows.length, 5000);
    assert.equal(Object.keys(page.rows[4999].cells).length, 70);
    assert.equal(page.rows[4999].cells.col_70, "4999:70");
    assert.equal(page.rows[0].cells.col_1, "0:1");
    assert.equal(page.nextCursorPosition, 5001);
  } finally {
    await fixture.close();
  }
});

Deno.test("ErrorAlert with HTTP 200 is not retried", async () => {
  const fixture = startFixture([json(ALERT_RESPONSE), json(FIELDS_RESPONSE)]);
  const { retry, sleeps } = fakeRetry();
  try {
    const client = createEamClient(connection(fixture.url), { retry });
    const error = await rejection(client.fetchFields(QUERY));
    assert.equal(error.kind, "alert");
    assert.equal(error.status, 200);
    assert.equal(error.retryable, false);
    assert.match(error.message, /^EAM returned ErrorAlert "Grid CUPFAX does not exist\."/);
    assert.equal(fixture.received.length, 1);
    assert.deepEqual(sleeps, []);
  } finally {
    await fixture.close();
  }
});

Deno.test("ErrorAlert inside a full Result is an error", async () => {
  const response = { ...(FIELDS_RESPONSE as object), ErrorAlert: [{ Message: "not a valid" }] };
  const fixture = startFixture([json(response)]);
  try {
    const error = await rejection(createEamClient(connection(fixture.url)).fetchFields(QUERY));
    assert.equal(error.kind, "alert");
    assert.match(error.message, /ErrorAlert "not a valid"/);
  } finally {
    await fixture.close();
  }
});

Deno.test("HTTP 400 with ErrorAlert is not retried", async () => {
  const fixture = startFixture([json(ALERT_RESPONSE, 400)]);
  const { retry } = fakeRetry();
  try {
    const client = createEamClient(connection(fixture.url), { retry });
    const error = await rejection(client.fetchPage(QUERY, 1, 10, FIELDS));
    assert.equal(error.kind, "alert");
    assert.equal(error.status, 400);
    assert.equal(error.retryable, false);
    assert.match(error.message, /ErrorAlert "Grid CUPFAX does not exist\." \(HTTP 400\)/);
    assert.equal(fixture.received.length, 1);
  } finally {
    await fixture.close();
  }
});

Deno.test("HTTP 401 is an auth error", async () => {
  const body = `<html>Unauthorized for pems:${PASSWORD}</html>`;
  const fixture = startFixture([text(body, 401, { "www-authenticate": "Basic" })]);
  const { retry } = fakeRetry();
  try {
    const client = createEamClient(connection(fixture.url), { retry });
    const error = await rejection(client.count(QUERY));
    assert.equal(error.kind, "auth");
    assert.equal(error.status, 401);
    assert.equal(error.retryable, false);
    assert.equal(
      error.message,
      "EAM rejected the credentials (HTTP 401): update them in the API configuration",
    );
    assertNoSecrets(error);
    assert.equal(fixture.received.length, 1);
  } finally {
    await fixture.close();
  }
});

Deno.test("HTTP 429 honours Retry-After seconds", async () => {
  const fixture = startFixture([
    text("slow down", 429, { "retry-after": "2" }),
    json(FIELDS_RESPONSE),
  ]);
  const { retry, sleeps } = fakeRetry();
  const retries: RetryInfo[] = [];
  try {
    const client = createEamClient(connection(fixture.url), {
      retry,
      onRetry: (info) => retries.push(info),
    });
    assert.deepEqual(await client.fetchFields(QUERY), FIELDS);
    assert.deepEqual(sleeps, [2000]);
    assert.equal(retries.length, 1);
    assert.equal(retries[0].attempt, 1);
    assert.equal(retries[0].delayMs, 2000);
    assert.equal(retries[0].error.status, 429);
    assert.equal(fixture.received.length, 2);
  } finally {
    await fixture.close();
  }
});

Deno.test("HTTP 429 honours Retry-After date", async () => {
  const retryAt = new Date(Date.now() + 3000).toUTCString();
  const fixture = startFixture([
    text("", 429, { "retry-after": retryAt }),
    json(FIELDS_RESPONSE),
  ]);
  const { retry, sleeps } = fakeRetry();
  try {
    const client = createEamClient(connection(fixture.url), { retry });
    assert.deepEqual(await client.fetchFields(QUERY), FIELDS);
    assert.equal(sleeps.length, 1);
    // HTTP dates have whole seconds, so up to a second of the wait may be lost.
    assert.ok(sleeps[0] > 1000, `slept ${sleeps[0]} ms`);
    assert.ok(sleeps[0] <= 3000, `slept ${sleeps[0]} ms`);
  } finally {
    await fixture.close();
  }
});

Deno.test("Retry-After beyond maxDelayMs stops retrying", async () => {
  const fixture = startFixture([text("", 429, { "retry-after": "600" })]);
  const { retry, sleeps } = fakeRetry();
  try {
    const client = createEamClient(connection(fixture.url), { retry });
    const error = await rejection(client.count(QUERY));
    assert.equal(error.status, 429);
    assert.equal(error.retryable, true);
    assert.match(error.message, /HTTP 429 with Retry-After 600 s/);
    assert.deepEqual(sleeps, []);
  } finally {
    await fixture.close();
  }
});

Deno.test("HTTP 503 then success is retried", async () => {
  const fixture = startFixture([
    text("<html>Service Unavailable</html>", 503),
    json(FIELDS_RESPONSE),
  ]);
  const { retry, sleeps } = fakeRetry();
  try {
    const client = createEamClient(connection(fixture.url), { retry });
    assert.deepEqual(await client.fetchFields(QUERY), FIELDS);
    // random() is 0.5 and the first bound is the 500 ms base delay.
    assert.deepEqual(sleeps, [250]);
    assert.equal(fixture.received.length, 2);
  } finally {
    await fixture.close();
  }
});

Deno.test("HTTP 502 and 504 are retried", async () => {
  const fixture = startFixture([text("", 502), text("", 504), json(FIELDS_RESPONSE)]);
  const { retry, sleeps } = fakeRetry();
  try {
    const client = createEamClient(connection(fixture.url), { retry });
    assert.deepEqual(await client.fetchFields(QUERY), FIELDS);
    assert.deepEqual(sleeps, [250, 500]);
  } finally {
    await fixture.close();
  }
});

Deno.test("persistent 503 gives up with attempt count", async () => {
  const fixture = startFixture([text("<html>Service Unavailable</html>", 503)]);
  const { retry, sleeps } = fakeRetry(4);
  try {
    const client = createEamClient(connection(fixture.url), { retry });
    const error = await rejection(client.count(QUERY));
    assert.equal(error.kind, "http");
    assert.equal(error.status, 503);
    assert.equal(error.attempts, 4);
    assert.match(error.message, /^EAM returned HTTP 503: "<html>Service Unavailable<\/html>"/);
    assert.match(error.message, /\(gave up after 4 attempts\)$/);
    assert.deepEqual(sleeps, [250, 500, 1000]);
    assert.equal(fixture.received.length, 4);
  } finally {
    await fixture.close();
  }
});

Deno.test("HTTP 500 is not retried and quotes little", async () => {
  const body = `<html>${"x".repeat(1000)}</html>`;
  const fixture = startFixture([text(body, 500)]);
  const { retry } = fakeRetry();
  try {
    const client = createEamClient(connection(fixture.url), { retry });
    const error = await rejection(client.count(QUERY));
    assert.equal(error.kind, "http");
    assert.equal(error.status, 500);
    assert.equal(error.retryable, false);
    assert.ok(!error.message.includes(body), "message contains the whole body");
    assert.ok(error.message.length < 400, `message has ${error.message.length} characters`);
    assert.equal(fixture.received.length, 1);
  } finally {
    await fixture.close();
  }
});

Deno.test("malformed JSON is a protocol error", async () => {
  const body = `{"Result": {"ResultData": ${"[".repeat(500)}`;
  const fixture = startFixture([text(body, 200, { "content-type": "application/json" })]);
  const { retry } = fakeRetry();
  try {
    const client = createEamClient(connection(fixture.url), { retry });
    const error = await rejection(client.fetchPage(QUERY, 1, 10, FIELDS));
    assert.equal(error.kind, "protocol");
    assert.equal(error.retryable, false);
    assert.match(error.message, /^EAM response \(HTTP 200\) is not JSON/);
    assert.ok(!error.message.includes(body), "message contains the whole body");
    assert.equal(fixture.received.length, 1);
  } finally {
    await fixture.close();
  }
});

Deno.test("missing Result is a protocol error", async () => {
  const fixture = startFixture([json({ Result: null, ErrorAlert: [] })]);
  try {
    const error = await rejection(createEamClient(connection(fixture.url)).count(QUERY));
    assert.equal(error.kind, "protocol");
    assert.match(error.message, /has no Result\.ResultData object/);
  } finally {
    await fixture.close();
  }
});

/**
 * Starts a raw TCP server on 127.0.0.1 that closes the first `resets` connections after
 * reading the request, then responds with `responseBody` as HTTP 200.
 */
function startResettingServer(resets: number, responseBody: unknown) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let connections = 0;
  const payload = new TextEncoder().encode(JSON.stringify(responseBody));
  const head = new TextEncoder().encode(
    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n" +
      `content-length: ${payload.length}\r\nconnection: close\r\n\r\n`,
  );

  const serving = (async () => {
    for await (const conn of listener) {
      connections++;
      await readRequest(conn);
      if (connections > resets) {
        await writeAll(conn, head);
        await writeAll(conn, payload);
      }
      conn.close();
    }
  })();

  return {
    url: `http://127.0.0.1:${(listener.addr as Deno.NetAddr).port}/axis/restservices/griddata`,
    connections: () => connections,
    async close() {
      listener.close();
      await serving.catch(() => {});
    },
  };
}

/** Reads from `conn` until the end of the JSON request body, which ends with "}". */
async function readRequest(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(65536);
  let received = "";
  while (!received.includes("\r\n\r\n") || !received.trimEnd().endsWith("}")) {
    const count = await conn.read(buffer);
    if (count === null) return;
    received += new TextDecoder().decode(buffer.subarray(0, count));
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await conn.write(bytes.subarray(written));
}

Deno.test("connection reset then success is retried", async () => {
  const server = startResettingServer(1, FIELDS_RESPONSE);
  const { retry, sleeps } = fakeRetry();
  const retries: RetryInfo[] = [];
  try {
    const client = createEamClient(connection(server.url), {
      retry,
      onRetry: (info) => retries.push(info),
    });
    assert.deepEqual(await client.fetchFields(QUERY), FIELDS);
    assert.equal(server.connections(), 2);
    assert.equal(sleeps.length, 1);
    assert.equal(retries[0].error.kind, "network");
    assert.match(retries[0].error.message, /^EAM request to 127\.0\.0\.1:\d+ failed: /);
  } finally {
    await server.close();
  }
});

Deno.test("persistent resets give up as network error", async () => {
  const server = startResettingServer(10, FIELDS_RESPONSE);
  const { retry } = fakeRetry(3);
  try {
    const client = createEamClient(connection(server.url), { retry });
    const error = await rejection(client.count(QUERY));
    assert.equal(error.kind, "network");
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 3);
    assert.match(error.message, /check the URL and the network \(gave up after 3 attempts\)$/);
    assertNoSecrets(error);
  } finally {
    await server.close();
  }
});

Deno.test("response that never ends times out", async () => {
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  const neverEnding: Reply = () => {
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"Result": {'));
        streams.push(controller);
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  };
  const fixture = startFixture([neverEnding]);
  const { retry, sleeps } = fakeRetry(2);
  try {
    const client = createEamClient(connection(fixture.url, { timeoutMs: 150 }), { retry });
    const started = performance.now();
    const error = await rejection(client.fetchPage(QUERY, 1, 10, FIELDS));
    const elapsedMs = performance.now() - started;

    assert.equal(error.kind, "timeout");
    assert.equal(error.retryable, true);
    assert.equal(error.attempts, 2);
    assert.match(error.message, /^EAM request timed out after 150 ms: /);
    assert.match(error.message, /\(gave up after 2 attempts\)$/);
    assert.equal(sleeps.length, 1);
    assert.equal(fixture.received.length, 2);
    assert.ok(elapsedMs < 5000, `took ${elapsedMs} ms`);
  } finally {
    for (const stream of streams) {
      try {
        stream.close();
      } catch {
        // The server has already cancelled the stream after the client went away.
      }
    }
    await fixture.close();
  }
});

Deno.test("apiKey auth and custom headers", async () => {
  const fixture = startFixture([json(FIELDS_RESPONSE)]);
  try {
    const client = createEamClient(
      connection(fixture.url, {
        auth: { type: "apiKey", key: "key-123" },
        headers: { apiversion: "v1", organization: "BECH" },
      }),
    );
    await client.fetchFields(QUERY);
    const headers = fixture.received[0].headers;
    assert.equal(headers.get("x-api-key"), "key-123");
    assert.equal(headers.get("authorization"), null);
    assert.equal(headers.get("apiversion"), "v1");
    assert.equal(headers.get("organization"), "BECH");
    assert.equal(headers.get("tenant"), "DEMO_DEV");
  } finally {
    await fixture.close();
  }
});

Deno.test("no auth sends no credentials", async () => {
  const fixture = startFixture([json(FIELDS_RESPONSE)]);
  try {
    await createEamClient(connection(fixture.url, { auth: { type: "none" } })).fetchFields(QUERY);
    const headers = fixture.received[0].headers;
    assert.equal(headers.get("authorization"), null);
    assert.equal(headers.get("x-api-key"), null);
  } finally {
    await fixture.close();
  }
});

Deno.test("Basic auth encodes UTF-8 passwords", async () => {
  const fixture = startFixture([json(FIELDS_RESPONSE)]);
  try {
    const auth = { type: "basic" as const, username: "pems", password: "pässwört" };
    await createEamClient(connection(fixture.url, { auth })).fetchFields(QUERY);
    const encoded = fixture.received[0].headers.get("authorization")?.slice("Basic ".length);
    const bytes = Uint8Array.from(atob(encoded ?? ""), (char) => char.charCodeAt(0));
    assert.equal(new TextDecoder().decode(bytes), "pems:pässwört");
  } finally {
    await fixture.close();
  }
});

Deno.test("createEamClient rejects invalid connections", () => {
  const url = "http://127.0.0.1:9/axis/restservices/griddata";
  const cases: [Partial<EamConnection>, RegExp][] = [
    [{ url: "griddata" }, /invalid EAM URL "griddata": expected an absolute http\(s\) URL/],
    [{ url: "ftp://host/griddata" }, /invalid EAM URL "ftp:\/\/host\/griddata"/],
    [{ url: "https://pems:x@host/griddata" }, /contains credentials/],
    [{ url: "pems:x@host/griddata" }, /invalid EAM URL "\*\*\*@host\/griddata"/],
    [{ tenant: " " }, /EAM tenant is empty/],
    [{ organization: "" }, /EAM organization is empty/],
    [{ auth: { type: "basic", username: "a:b", password: "x" } }, /invalid EAM username "a:b"/],
    [{ auth: { type: "basic", username: "pems", password: "" } }, /EAM password is empty/],
    [{ auth: { type: "apiKey", key: "" } }, /EAM API key is empty/],
    [{ timeoutMs: 0 }, /invalid EAM timeoutMs 0/],
    [{ headers: { "bad name": "v" } }, /invalid EAM header "bad name"/],
  ];
  for (const [overrides, message] of cases) {
    assert.throws(() => createEamClient(connection(url, overrides)), message);
  }
});

Deno.test("invalid header value stays out of the message", () => {
  const url = "http://127.0.0.1:9/axis/restservices/griddata";
  const auth = { type: "apiKey" as const, key: "secret\nkey" };
  assert.throws(() => createEamClient(connection(url, { auth })), (error: Error) => {
    assert.match(error.message, /invalid EAM header "x-api-key"/);
    assert.ok(!error.message.includes("secret"), "message contains the key");
    return true;
  });
});

Deno.test("retry backoff grows and respects limits", async () => {
  const sleeps: number[] = [];
  const sleep = (ms: number) => {
    sleeps.push(ms);
    return Promise.resolve();
  };
  const failure = new EamError("EAM returned HTTP 503", {
    kind: "http",
    status: 503,
    retryable: true,
  });
  const options = {
    maxAttempts: 8,
    baseDelayMs: 100,
    factor: 3,
    maxDelayMs: 1000,
    maxTotalWaitMs: 2500,
    random: () => 0.999,
    sleep,
  };
  let attempts = 0;
  const error = await rejection(retryEamRequest(() => {
    attempts++;
    return Promise.reject(failure);
  }, options));
  // Bounds 100, 300, 900, 1000 (capped), then the remaining budget of 2500 ms.
  assert.deepEqual(sleeps, [99, 299, 899, 999, 204]);
  assert.equal(attempts, 6);
  assert.equal(error.attempts, 6);
  assert.equal(error.cause, failure);
});

Deno.test("retry passes other errors through", async () => {
  const failure = new TypeError("bug");
  let attempts = 0;
  await assert.rejects(
    retryEamRequest(() => {
      attempts++;
      return Promise.reject(failure);
    }),
    (error) => error === failure,
  );
  assert.equal(attempts, 1);
});

Deno.test("retry rejects invalid options", async () => {
  await assert.rejects(
    retryEamRequest(() => Promise.resolve(1), { maxAttempts: 0 }),
    /invalid retry maxAttempts 0: expected a positive integer/,
  );
  await assert.rejects(
    retryEamRequest(() => Promise.resolve(1), { baseDelayMs: -1 }),
    /invalid retry baseDelayMs -1/,
  );
});

Deno.test("parseRetryAfter reads seconds and dates", () => {
  const now = Date.parse("Wed, 05 Nov 2025 12:00:00 GMT");
  assert.equal(parseRetryAfter("120", now), 120_000);
  assert.equal(parseRetryAfter(" 0 ", now), 0);
  assert.equal(parseRetryAfter("Wed, 05 Nov 2025 12:00:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("Wed, 05 Nov 2025 11:00:00 GMT", now), 0);
  assert.equal(parseRetryAfter(null, now), undefined);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter("-5", now), undefined);
});

/** Serves a simulator on 127.0.0.1 and returns its griddata URL and a close function. */
function startSimulator(pfaRows: Record<string, number>) {
  const simulator = createSimulator({ pfaRows });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    simulator.handle,
  );
  return {
    simulator,
    url: `http://127.0.0.1:${server.addr.port}/axis/restservices/griddata`,
    close: () => server.shutdown(),
  };
}

const SIMULATOR_CONNECTION = {
  auth: { type: "basic" as const, username: "pems", password: "pems-demo" },
  tenant: "DEMO_DEV",
  organization: "RIO",
};

Deno.test("simulator pages through RIO in order", async () => {
  const served = startSimulator({ RIO: 2500, HOLNG: 700 });
  try {
    const client = createEamClient({ url: served.url, ...SIMULATOR_CONNECTION });
    const fields = await client.fetchFields(QUERY);
    assert.ok(fields.some((field) => field.name === "pfs_id"), "fields lack pfs_id");
    assert.ok(fields.some((field) => field.name === "pfs_a_org"), "fields lack pfs_a_org");
    assert.equal(await client.count(QUERY), 2500);

    const rows = [];
    const pages = [];
    let cursor = 1;
    for (let request = 0; request < 10; request++) {
      const page = await client.fetchPage(QUERY, cursor, 1000, fields);
      pages.push({ rows: page.rows.length, moreRecords: page.moreRecords });
      rows.push(...page.rows);
      if (!page.moreRecords) break;
      assert.ok(page.nextCursorPosition > cursor, `cursor ${cursor} did not advance`);
      cursor = page.nextCursorPosition;
    }

    assert.deepEqual(pages, [
      { rows: 1000, moreRecords: true },
      { rows: 1000, moreRecords: true },
      { rows: 500, moreRecords: false },
    ]);
    const pfaIds = rows.map((row) => row.cells.pfs_id);
    assert.equal(rows.length, 2500);
    assert.equal(new Set(pfaIds).size, 2500);
    assert.deepEqual(pfaIds, [...pfaIds].sort());
    assert.deepEqual(rows.map((row) => row.id), rows.map((_, index) => index + 1));
    assert.ok(rows.every((row) => row.cells.pfs_a_org === "RIO"), "a row is not from RIO");
    assert.deepEqual(rows[0].cells, served.simulator.row("CUPFAG", "RIO", 0));
    assert.deepEqual(rows[2499].cells, served.simulator.row("CUPFAG", "RIO", 2499));
  } finally {
    await served.close();
  }
});

Deno.test("simulator rejects a wrong password", async () => {
  const served = startSimulator({ RIO: 10 });
  try {
    const auth = { type: "basic" as const, username: "pems", password: "wrong-password" };
    const client = createEamClient({ url: served.url, ...SIMULATOR_CONNECTION, auth });
    const error = await rejection(client.count(QUERY));
    assert.equal(error.kind, "auth");
    assert.equal(error.status, 401);
    assert.ok(!error.message.includes("wrong-password"), "message contains the password");
  } finally {
    await served.close();
  }
});
