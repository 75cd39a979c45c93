import assert from "node:assert/strict";
import { createSyncRun } from "../db/sync_runs.ts";
import { startTestService } from "./support/service.ts";

const rio = { PEMS_SIM_ROWS: "RIO=2500,HOLNG=300,BECH=10,PORTARTHUR=10", SYNC_BATCH_SIZE: "400" };

async function setPageSize(
  t: Awaited<ReturnType<typeof startTestService>>,
  id: number,
  size: number,
) {
  const response = await t.api("PATCH", `/api/configs/${id}`, { pageSize: size });
  assert.equal(response.status, 200);
}

async function countRows(
  t: Awaited<ReturnType<typeof startTestService>>,
  table: string,
  org: string,
) {
  const [row] = await t.service.db.query<{ count: string }>(
    `select count(*) as count from ${table} where organization = $1`,
    [org],
  );
  return Number(row.count);
}

Deno.test("sync API: full sync stores every RIO row, then reports all unchanged", async () => {
  const t = await startTestService({ env: rio });
  try {
    const configId = await t.configId("PEMS PFA Read");
    await setPageSize(t, configId, 1000);

    const started = await t.api("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization: "RIO",
      mode: "full",
    });
    assert.equal(started.status, 202);
    assert.equal(started.body.status, "queued");
    assert.equal(started.headers.get("location"), `/api/pems/sync/${started.body.syncId}`);

    const first = await t.waitForRun(started.body.syncId);
    assert.equal(first.status, "completed", first.error);
    assert.equal(first.totalRecords, 2500);
    assert.equal(first.processedRecords, 2500);
    assert.equal(first.insertedRecords, 2500);
    assert.equal(first.updatedRecords, 0);
    assert.equal(first.unchangedRecords, 0);
    assert.equal(first.errorRecords, 0);
    assert.equal(first.percent, 100);
    assert.equal(first.totalBatches, Math.ceil(2500 / 400));
    assert.equal(
      await countRows(t, "pfa_records", "RIO"),
      t.service.simulator!.rowCount("CUPFAG", "RIO"),
    );
    assert.equal(await countRows(t, "pfa_records", "HOLNG"), 0);

    const statsAfterFirst = (await t.api("GET", `/api/configs/${configId}`)).body;
    assert.equal(statsAfterFirst.lastSyncRecordCount, 2500);
    assert.equal(statsAfterFirst.totalSyncRecordCount, 2500);
    assert.ok(statsAfterFirst.firstSyncAt);

    const again = await t.api("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization: "RIO",
      mode: "full",
    });
    const second = await t.waitForRun(again.body.syncId);
    assert.equal(second.status, "completed", second.error);
    assert.equal(second.insertedRecords, 0);
    assert.equal(second.updatedRecords, 0);
    assert.equal(second.unchangedRecords, 2500);

    const statsAfterSecond = (await t.api("GET", `/api/configs/${configId}`)).body;
    assert.equal(statsAfterSecond.firstSyncAt, statsAfterFirst.firstSyncAt);
    assert.notEqual(statsAfterSecond.lastSyncAt, statsAfterFirst.lastSyncAt);
    assert.equal(statsAfterSecond.lastSyncRecordCount, 0);
    assert.equal(statsAfterSecond.totalSyncRecordCount, 2500);
  } finally {
    await t.close();
  }
});

Deno.test("sync API: upstream revision updates exactly the changed rows", async () => {
  const t = await startTestService({ env: { ...rio, PEMS_SIM_ROWS: "RIO=1500" } });
  try {
    const simulator = t.service.simulator!;
    const configId = await t.configId("PEMS PFA Read");
    const body = { apiConfigId: configId, organization: "RIO", mode: "full" };
    const first = await t.waitForRun((await t.api("POST", "/api/pems/sync", body)).body.syncId);
    assert.equal(first.insertedRecords, 1500);

    const before = Array.from(
      { length: 1500 },
      (_, i) => JSON.stringify(simulator.row("CUPFAG", "RIO", i)),
    );
    simulator.setRevision(1);
    const changed = before.filter((row, i) =>
      row !== JSON.stringify(simulator.row("CUPFAG", "RIO", i))
    ).length;
    assert.ok(changed > 50, `revision 1 changed ${changed} of 1500 rows`);
    assert.ok(changed < 300, `revision 1 changed ${changed} of 1500 rows`);

    const second = await t.waitForRun((await t.api("POST", "/api/pems/sync", body)).body.syncId);
    assert.equal(second.status, "completed", second.error);
    assert.equal(second.insertedRecords, 0);
    assert.equal(second.updatedRecords, changed);
    assert.equal(second.unchangedRecords, 1500 - changed);

    const [stored] = await t.service.db.query<{ raw: Record<string, string> }>(
      "select raw from pfa_records where organization = 'RIO' and pfa_id = $1",
      [simulator.row("CUPFAG", "RIO", 7).pfs_id],
    );
    assert.deepEqual(stored.raw, simulator.row("CUPFAG", "RIO", 7));
    const stats = (await t.api("GET", `/api/configs/${configId}`)).body;
    assert.equal(stats.totalSyncRecordCount, 1500 + changed);
  } finally {
    await t.close();
  }
});

Deno.test("sync API: assets and classifications sync like PFA", async () => {
  const t = await startTestService({ env: rio });
  try {
    const simulator = t.service.simulator!;
    for (
      const [name, table, grid] of [
        ["PEMS Asset Master", "asset_master", "OSOBJA"],
        ["PEMS Classifications", "classifications", "OSCATG"],
      ]
    ) {
      const started = await t.api("POST", "/api/pems/sync", {
        apiConfigId: await t.configId(name),
        organization: "HOLNG",
        mode: "full",
      });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      const run = await t.waitForRun(started.body.syncId);
      assert.equal(run.status, "completed", run.error);
      const expected = simulator.rowCount(grid, "HOLNG");
      assert.ok(expected > 0);
      assert.equal(run.insertedRecords, expected);
      assert.equal(await countRows(t, table, "HOLNG"), expected);
    }
    const [asset] = await t.service.db.query<{ year: number | null; commission_date: Date | null }>(
      "select year, commission_date from asset_master where organization = 'HOLNG' and year is not null limit 1",
    );
    assert.equal(typeof asset.year, "number");
  } finally {
    await t.close();
  }
});

Deno.test("sync API: second start while a run is active returns 409 with its id", async () => {
  const t = await startTestService({ env: rio });
  try {
    const configId = await t.configId("PEMS PFA Read");
    // A queued run that no worker picks up, so the conflict does not depend on timing.
    const created = await createSyncRun(t.service.db, {
      id: crypto.randomUUID(),
      apiConfigurationId: configId,
      organization: "RIO",
      entity: "pfa",
      mode: "full",
      startedBy: null,
      batchSize: 1000,
      pageSize: 1000,
    });
    assert.ok("run" in created);
    const conflict = await t.api("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization: "RIO",
      mode: "full",
    });
    assert.equal(conflict.status, 409);
    assert.equal(conflict.body.error.code, "sync_in_progress");
    assert.equal(conflict.body.error.details.syncId, created.run.id);

    const cancelled = await t.api("POST", `/api/pems/sync/${created.run.id}/cancel`);
    assert.equal(cancelled.status, 202);
    assert.equal(cancelled.body.status, "cancelled");
    const restarted = await t.api("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization: "RIO",
      mode: "full",
    });
    assert.equal(restarted.status, 202, "a cancelled run no longer blocks a new one");
    assert.equal((await t.waitForRun(restarted.body.syncId)).status, "completed");
    const quarantine = await t.api("GET", `/api/pems/sync/${restarted.body.syncId}/quarantine`);
    assert.equal(quarantine.status, 200);
    assert.deepEqual(quarantine.body, { rows: [], next: null });

    const other = await t.api("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization: "BECH",
      mode: "full",
    });
    assert.equal(other.status, 202);
    assert.equal((await t.waitForRun(other.body.syncId)).status, "completed");
  } finally {
    await t.close();
  }
});

Deno.test("sync API: write-only feed and unknown organization are rejected", async () => {
  const t = await startTestService({ env: rio });
  try {
    const write = await t.api("POST", "/api/pems/sync", {
      apiConfigId: await t.configId("PEMS PFA Write"),
      organization: "RIO",
      mode: "full",
    });
    assert.equal(write.status, 400);
    assert.match(write.body.error.message, /no pull feed/);

    const unknown = await t.api("POST", "/api/pems/sync", {
      apiConfigId: await t.configId("PEMS PFA Read"),
      organization: "NOWHERE",
      mode: "full",
    });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error.message, /organization NOWHERE not found/);

    const missingConfig = await t.api("POST", "/api/pems/sync", {
      apiConfigId: 9999,
      organization: "RIO",
    });
    assert.equal(missingConfig.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("sync API: SSE stream sends progress events and a final done event", async () => {
  const t = await startTestService({ env: rio });
  try {
    const configId = await t.configId("PEMS PFA Read");
    await setPageSize(t, configId, 500);
    const started = await t.api("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization: "RIO",
      mode: "full",
    });
    const response = await fetch(`${t.origin}/api/pems/sync/${started.body.syncId}/events`, {
      headers: { authorization: `Bearer ${t.token}` },
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    const text = await response.text();
    const events = [...text.matchAll(/^event: (\w+)\ndata: (.*)$/gm)].map((match) => ({
      event: match[1],
      data: JSON.parse(match[2]),
    }));
    const progress = events.filter((event) => event.event === "progress");
    assert.ok(progress.length >= 2, `expected several progress events, got ${progress.length}`);
    const done = events.at(-1)!;
    assert.equal(done.event, "done");
    assert.equal(done.data.status, "completed");
    assert.equal(done.data.insertedRecords, 2500);
    const processed = progress.map((event) => event.data.processedRecords);
    assert.deepEqual(processed, [...processed].sort((a, b) => a - b));
  } finally {
    await t.close();
  }
});

Deno.test("sync API: configurations never expose credentials", async () => {
  const t = await startTestService({ env: rio });
  try {
    const list = await t.api("GET", "/api/configs");
    assert.equal(list.status, 200);
    assert.equal(list.body.configs.length, 4);
    const text = JSON.stringify(list.body);
    assert.ok(!text.includes("pems-demo"), "the demo password appears in GET /api/configs");
    assert.ok(!/encrypted/i.test(text));
    assert.equal(list.body.configs[0].hasCredentials, true);

    const created = await t.api("POST", "/api/configs", {
      name: "Tenant X",
      usage: "PEMS_PFA_READ",
      url: "https://eam.example.test/axis/restservices/griddata",
      authType: "basic",
      username: "integration",
      password: "s3cret-Value-123",
      customHeaders: { tenant: "X_DEV" },
      feeds: [{ entity: "pfa" }],
    });
    assert.equal(created.status, 201);
    assert.ok(!JSON.stringify(created.body).includes("s3cret-Value-123"));
    const [row] = await t.service.db.query<{ secret_encrypted: string }>(
      "select secret_encrypted from api_configurations where id = $1",
      [created.body.id],
    );
    assert.ok(!row.secret_encrypted.includes("s3cret"));
    assert.match(row.secret_encrypted, /^v1:[0-9a-f]{8}:/);
  } finally {
    await t.close();
  }
});

Deno.test("sync API: health check reports database and KV", async () => {
  const t = await startTestService({ env: rio });
  try {
    const health = await t.api("GET", "/healthz", undefined, { token: null });
    assert.equal(health.status, 200);
    assert.deepEqual(health.body, { status: "ok", database: "ok", kv: "ok" });
  } finally {
    await t.close();
  }
});

Deno.test("sync API: embedded PGlite syncs RIO without DATABASE_URL", async () => {
  const t = await startTestService({ pglite: true, env: { PEMS_SIM_ROWS: "RIO=1200" } });
  try {
    assert.equal(t.service.db.kind, "pglite");
    const started = await t.api("POST", "/api/pems/sync", {
      apiConfigId: await t.configId("PEMS PFA Read"),
      organization: "RIO",
      mode: "full",
    });
    const run = await t.waitForRun(started.body.syncId);
    assert.equal(run.status, "completed", run.error);
    assert.equal(run.insertedRecords, 1200);
    assert.equal(await countRows(t, "pfa_records", "RIO"), 1200);
  } finally {
    await t.close();
  }
});
