import assert from "node:assert/strict";
import { createSyncRun } from "../db/sync_runs.ts";
import { findUserByEmail } from "../db/users.ts";
import { decodeHistoryCursor, encodeHistoryCursor } from "../routes/sync_history.ts";
import { adminEmail, startTestService, type TestService } from "./support/service.ts";

/** Stores a finished run with a given creation time, as if it had run then. */
async function storeRun(
  t: TestService,
  run: {
    configId: number;
    organization: string;
    status: "completed" | "failed" | "cancelled";
    createdAt: string;
    startedBy: number | null;
  },
): Promise<string> {
  const id = crypto.randomUUID();
  const created = await createSyncRun(t.service.db, {
    id,
    apiConfigurationId: run.configId,
    organization: run.organization,
    entity: "pfa",
    mode: "full",
    startedBy: run.startedBy,
    batchSize: 100,
    pageSize: 500,
  });
  assert.ok("run" in created);
  await t.service.db.query(
    "update sync_runs set status = $2, created_at = $3::timestamptz where id = $1",
    [id, run.status, run.createdAt],
  );
  return id;
}

/** Follows `next` from the first page to the last and returns every run id in order. */
async function readAllPages(t: TestService, query: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 20; page++) {
    const path: string = `/api/pems/sync?${query}${cursor ? `&cursor=${cursor}` : ""}`;
    const response = await t.api("GET", path);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    ids.push(...response.body.runs.map((run: { syncId: string }) => run.syncId));
    cursor = response.body.next;
    if (cursor === null) return ids;
  }
  throw new Error("more than 20 pages");
}

Deno.test("sync history: pages newest first with stable ties", async () => {
  const t = await startTestService();
  try {
    const configId = await t.configId("PEMS PFA Read");
    const admin = await findUserByEmail(t.service.db, adminEmail);
    const same = "2026-01-02T03:04:05.123456Z";
    const stored = [
      await storeRun(t, {
        configId,
        organization: "RIO",
        status: "completed",
        createdAt: "2026-01-01T00:00:00Z",
        startedBy: admin!.id,
      }),
      // Three runs in the same microsecond: only the id orders them.
      await storeRun(t, {
        configId,
        organization: "RIO",
        status: "failed",
        createdAt: same,
        startedBy: null,
      }),
      await storeRun(t, {
        configId,
        organization: "HOLNG",
        status: "completed",
        createdAt: same,
        startedBy: null,
      }),
      await storeRun(t, {
        configId,
        organization: "BECH",
        status: "cancelled",
        createdAt: same,
        startedBy: null,
      }),
      // Differs from `same` below the millisecond, which a JavaScript Date cannot hold.
      await storeRun(t, {
        configId,
        organization: "RIO",
        status: "completed",
        createdAt: "2026-01-02T03:04:05.123999Z",
        startedBy: admin!.id,
      }),
    ];
    const [newest, ...rest] = [stored[4], ...stored.slice(1, 4).sort().reverse(), stored[0]];
    const expected = [newest, ...rest];

    for (const limit of [1, 2, 3, 5, 50]) {
      assert.deepEqual(await readAllPages(t, `limit=${limit}`), expected, `limit ${limit}`);
    }

    const first = await t.api("GET", "/api/pems/sync?limit=5");
    assert.equal(first.body.next, null, "no cursor after the last page");
    const item = first.body.runs[0];
    assert.equal(item.startedBy, adminEmail);
    assert.equal(first.body.runs[1].startedBy, null);
    const single = await t.api("GET", `/api/pems/sync/${newest}`);
    const { startedBy: _, ...progress } = item;
    assert.deepEqual(progress, single.body, "items have the shape of GET /api/pems/sync/:id");
  } finally {
    await t.close();
  }
});

Deno.test("sync history: filters by organization, configuration and status", async () => {
  const t = await startTestService();
  try {
    const pfa = await t.configId("PEMS PFA Read");
    const assets = await t.configId("PEMS Asset Master");
    const rio = await storeRun(t, {
      configId: pfa,
      organization: "RIO",
      status: "completed",
      createdAt: "2026-02-01T00:00:00Z",
      startedBy: null,
    });
    const rioFailed = await storeRun(t, {
      configId: pfa,
      organization: "RIO",
      status: "failed",
      createdAt: "2026-02-02T00:00:00Z",
      startedBy: null,
    });
    const holng = await storeRun(t, {
      configId: assets,
      organization: "HOLNG",
      status: "completed",
      createdAt: "2026-02-03T00:00:00Z",
      startedBy: null,
    });

    assert.deepEqual(await readAllPages(t, "org=rio&limit=1"), [rioFailed, rio]);
    assert.deepEqual(await readAllPages(t, `config=${assets}`), [holng]);
    assert.deepEqual(await readAllPages(t, "status=completed"), [holng, rio]);
    assert.deepEqual(await readAllPages(t, `org=RIO&config=${pfa}&status=failed`), [rioFailed]);
    assert.deepEqual(await readAllPages(t, "org=BECH"), []);
  } finally {
    await t.close();
  }
});

Deno.test("sync history: invalid queries get 400", async () => {
  const t = await startTestService();
  try {
    const cases: [string, RegExp][] = [
      ["cursor=abc", /invalid cursor: pass the `next` value/],
      [`cursor=${btoa('["yesterday","x"]')}`, /invalid cursor/],
      ["limit=0", /limit/],
      ["limit=201", /limit/],
      ["status=done", /status/],
      ["config=-1", /config: expected an API configuration id/],
      ["org=R%20IO", /org: expected an EAM organization code/],
      ["page=2", /page/],
    ];
    for (const [query, message] of cases) {
      const response = await t.api("GET", `/api/pems/sync?${query}`);
      assert.equal(response.status, 400, query);
      assert.equal(response.body.error.code, "invalid_request", query);
      assert.match(response.body.error.message, message, query);
    }
    const anonymous = await t.api("GET", "/api/pems/sync", undefined, { token: null });
    assert.equal(anonymous.status, 401);
  } finally {
    await t.close();
  }
});

Deno.test("sync history: a run started by POST comes first", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=50" } });
  try {
    const configId = await t.configId("PEMS PFA Read");
    await storeRun(t, {
      configId,
      organization: "HOLNG",
      status: "completed",
      createdAt: "2026-01-01T00:00:00Z",
      startedBy: null,
    });
    const started = await t.api("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization: "RIO",
    });
    assert.equal(started.status, 202);
    await t.waitForRun(started.body.syncId);
    const history = await t.api("GET", "/api/pems/sync");
    assert.equal(history.body.runs.length, 2);
    assert.equal(history.body.runs[0].syncId, started.body.syncId);
    assert.equal(history.body.runs[0].startedBy, adminEmail);
    assert.equal(history.body.runs[0].status, "completed");
  } finally {
    await t.close();
  }
});

Deno.test("sync history: cursor round-trips", () => {
  const position = { createdAt: "2026-01-02T03:04:05.123456Z", id: crypto.randomUUID() };
  const cursor = encodeHistoryCursor(position);
  assert.match(cursor, /^[A-Za-z0-9_-]+$/, "URL-safe without escaping");
  assert.deepEqual(decodeHistoryCursor(cursor), position);
  assert.equal(decodeHistoryCursor("%%%"), undefined);
  assert.equal(decodeHistoryCursor(encodeHistoryCursor({ ...position, id: "x" })), undefined);
});
