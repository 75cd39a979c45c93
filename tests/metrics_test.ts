import assert from "node:assert/strict";
import { openPostgres } from "../db/database.ts";
import { migrate, readMigrations } from "../db/migrate.ts";
import { createCredentialsCipher } from "../lib/credentials_cipher.ts";
import { MetricsRegistry } from "../lib/metrics.ts";
import { toBase64 } from "../lib/passwords.ts";
import { createApp } from "../routes/app.ts";
import { createSyncEngine } from "../sync/engine.ts";
import { heldQueue, setUpEngine } from "./support/engine.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { startTestService } from "./support/service.ts";

/** Reads one sample of a Prometheus text page; 0 when the series is absent. */
function sample(page: string, series: string): number {
  const line = page.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

async function scrape(origin: string): Promise<string> {
  const response = await fetch(`${origin}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  return await response.text();
}

Deno.test("metrics registry: renders the text format", () => {
  const registry = new MetricsRegistry();
  const counter = registry.counter("jobs_total", "Jobs done.", ["kind"]);
  const gauge = registry.gauge("queue_depth", "Queued jobs.");
  const histogram = registry.histogram("wait_seconds", "Wait.", ["step"], [1, 0.5]);
  counter.inc({ kind: 'say "hi"\\\n' });
  counter.inc({ kind: "plain" }, 3);
  gauge.set({}, 7);
  histogram.observe({ step: "a" }, 0.2);
  histogram.observe({ step: "a" }, 0.7);
  histogram.observe({ step: "a" }, 4);

  assert.equal(
    registry.render(),
    [
      "# HELP jobs_total Jobs done.",
      "# TYPE jobs_total counter",
      'jobs_total{kind="say \\"hi\\"\\\\\\n"} 1',
      'jobs_total{kind="plain"} 3',
      "# HELP queue_depth Queued jobs.",
      "# TYPE queue_depth gauge",
      "queue_depth 7",
      "# HELP wait_seconds Wait.",
      "# TYPE wait_seconds histogram",
      'wait_seconds_bucket{step="a",le="0.5"} 1',
      'wait_seconds_bucket{step="a",le="1"} 2',
      'wait_seconds_bucket{step="a",le="+Inf"} 3',
      'wait_seconds_sum{step="a"} 4.9',
      'wait_seconds_count{step="a"} 3',
      "",
    ].join("\n"),
  );
  assert.throws(() => counter.inc({ kind: "plain" }, -1), /invalid counter increment -1/);
  assert.throws(() => counter.inc({}), /missing label kind/);
  assert.throws(() => registry.gauge("queue_depth", "again"), /already registered/);
});

Deno.test("metrics: a sync moves row, request and run metrics", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=2500", SYNC_BATCH_SIZE: "400" } });
  try {
    const before = await scrape(t.origin);
    const configId = await t.configId("PEMS PFA Read");
    const started = await t.api("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization: "RIO",
    });
    assert.equal((await t.waitForRun(started.body.syncId)).status, "completed");
    const after = await scrape(t.origin);

    const delta = (series: string) => sample(after, series) - sample(before, series);
    assert.equal(delta('pems_sync_rows_total{outcome="inserted"}'), 2500);
    assert.equal(delta('pems_sync_rows_total{outcome="updated"}'), 0);
    assert.equal(delta('pems_sync_rows_total{outcome="error"}'), 0);
    assert.equal(sample(after, 'pems_sync_runs{status="completed"}'), 1);
    assert.equal(sample(after, 'pems_sync_runs{status="failed"}'), 0);
    assert.ok(after.includes('pems_sync_runs{status="queued"} 0'));
    assert.equal(sample(after, "pems_sync_queue_depth"), 0);
    const pages = 'pems_eam_request_duration_seconds_count{request_type="LIST.DATA_ONLY.STORED",' +
      'outcome="ok"}';
    assert.equal(delta(pages), 1, "one page of 5000 rows");
    const counts = 'pems_eam_request_duration_seconds_count{request_type="LIST.COUNT.STORED",' +
      'outcome="ok"}';
    assert.equal(delta(counts), 1);
    assert.match(after, /# TYPE pems_eam_retries_total counter/);
  } finally {
    await t.close();
  }
});

Deno.test("metrics: an active run counts in the queue depth", async () => {
  const t = await startTestService();
  try {
    const configId = await t.configId("PEMS PFA Read");
    await t.service.db.query(
      `insert into sync_runs (id, api_configuration_id, organization, entity, mode, status,
                              batch_size, page_size)
       values ($1, $2, 'BECH', 'pfa', 'full', 'running', 100, 100)`,
      [crypto.randomUUID(), configId],
    );
    const page = await scrape(t.origin);
    assert.equal(sample(page, 'pems_sync_runs{status="running"}'), 1);
    assert.equal(sample(page, "pems_sync_queue_depth"), 1);
  } finally {
    await t.close();
  }
});

Deno.test("metrics: a retried EAM request counts a retry", async () => {
  const t = await setUpEngine(300);
  const kv = await Deno.openKv(":memory:");
  try {
    let failNext = true;
    // The first request gets a 503, which the client retries.
    const flaky: typeof fetch = (input, init) => {
      if (failNext) {
        failNext = false;
        return Promise.resolve(
          new Response("busy", { status: 503, headers: { "retry-after": "0" } }),
        );
      }
      return fetch(input, init);
    };
    const engine = createSyncEngine({
      db: t.db,
      kv,
      queue: t.queue,
      cipher: t.cipher,
      fetch: flaky,
    });
    const registryPage = async () => {
      const app = createApp({
        db: t.db,
        kv,
        queue: heldQueue(),
        cipher: t.cipher,
        jwtSecret: "x".repeat(32),
        syncBatchSize: 100,
        shutdown: new AbortController().signal,
      });
      return await (await app.request("/metrics")).text();
    };
    const before = await registryPage();
    const run = await t.start();
    while (t.queue.jobs.length > 0) await engine.processJob(t.queue.jobs.shift()!);
    const after = await registryPage();

    assert.equal(
      sample(after, 'pems_eam_retries_total{kind="http"}') -
        sample(before, 'pems_eam_retries_total{kind="http"}'),
      1,
    );
    const failed = 'pems_eam_request_duration_seconds_count{request_type="LIST.HEAD_ONLY.STORED",' +
      'outcome="http"}';
    assert.equal(sample(after, failed) - sample(before, failed), 1);
    const [row] = await t.db.query<{ status: string }>(
      "select status from sync_runs where id = $1",
      [
        run.id,
      ],
    );
    assert.equal(row.status, "completed");
  } finally {
    kv.close();
    await t.close();
  }
});

Deno.test("readyz: ready, pending migrations, shutting down", async () => {
  const database = await createTestDatabase();
  const db = openPostgres(database.url, { max: 2 });
  const kv = await Deno.openKv(":memory:");
  try {
    const cipher = await createCredentialsCipher(
      toBase64(crypto.getRandomValues(new Uint8Array(32))),
    );
    const shutdown = new AbortController();
    const app = createApp({
      db,
      kv,
      queue: heldQueue(),
      cipher,
      jwtSecret: "x".repeat(32),
      syncBatchSize: 100,
      shutdown: shutdown.signal,
    });
    const migrations = await readMigrations();
    await migrate(db, migrations.slice(0, -1));
    const pending = await app.request("/readyz");
    assert.equal(pending.status, 503);
    assert.deepEqual(await pending.json(), { status: "migrations_pending" });

    await migrate(db, migrations);
    const ready = await app.request("/readyz");
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: "ready" });

    shutdown.abort();
    const stopping = await app.request("/readyz");
    assert.equal(stopping.status, 503);
    assert.deepEqual(await stopping.json(), { status: "shutting_down" });
  } finally {
    kv.close();
    await db.close();
    await database.drop();
  }
});
