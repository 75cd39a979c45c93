import assert from "node:assert/strict";
import { updateApiConfiguration } from "../db/api_configurations.ts";
import { loadSyncRun } from "../db/sync_runs.ts";
import { setUpEngine as setUp } from "./support/engine.ts";

Deno.test("engine: redelivered and concurrent jobs neither double rows nor counts", async () => {
  const t = await setUp(2000);
  try {
    const runId = (await t.start("full", 300)).id;

    const delivered = new Set<string>();
    while (t.queue.jobs.length > 0) {
      const job = t.queue.jobs.shift()!;
      delivered.add(`${job.page}`);
      // Two deliveries at once, then a late third one, as an at-least-once queue may do.
      await Promise.all([t.engine.processJob(job), t.engine.processJob(job)]);
      await t.engine.processJob(job);
    }

    const run = await loadSyncRun(t.db, runId);
    assert.equal(run?.status, "completed", run?.error ?? "");
    assert.equal(run?.processedRecords, 2000);
    assert.equal(run?.insertedRecords, 2000);
    assert.equal(run?.updatedRecords, 0);
    assert.equal(run?.unchangedRecords, 0);
    assert.equal(run?.pagesDone, 3);
    assert.deepEqual([...delivered].sort(), ["0", "1", "2"]);
    const [count] = await t.db.query<{ count: string }>(
      "select count(*) as count from pfa_records",
    );
    assert.equal(Number(count.count), 2000);
    const [stats] = await t.db.query<{ total: string }>(
      "select total_sync_record_count as total from api_configurations where id = $1",
      [t.config.id],
    );
    assert.equal(Number(stats.total), 2000, "statistics counted once");
  } finally {
    await t.close();
  }
});

Deno.test("engine: job delivered after its page committed re-enqueues the next page", async () => {
  const t = await setUp(1000);
  try {
    const started = { run: await t.start("full", 1000) };
    const first = t.queue.jobs.shift()!;
    await t.engine.processJob(first);
    assert.deepEqual(t.queue.jobs, [{ runId: started.run.id, page: 1 }]);
    // The process died after the commit and before the queue recorded the next page.
    t.queue.jobs.length = 0;
    await t.engine.processJob(first);
    assert.deepEqual(t.queue.jobs, [{ runId: started.run.id, page: 1 }]);
    await t.engine.processJob(t.queue.jobs.shift()!);
    const run = await loadSyncRun(t.db, started.run.id);
    assert.equal(run?.status, "completed");
    assert.equal(run?.insertedRecords, 1000);
  } finally {
    await t.close();
  }
});

Deno.test("engine: missing or wrong EAM credentials fail the run with what to do", async () => {
  const t = await setUp(10);
  try {
    const runOnce = async () => {
      const run = await t.start("full", 1000);
      await t.engine.processJob(t.queue.jobs.shift()!);
      return await loadSyncRun(t.db, run.id);
    };

    await updateApiConfiguration(t.db, t.cipher, t.config.id, { secret: null });
    const missing = await runOnce();
    assert.equal(missing?.status, "failed");
    assert.match(missing?.error ?? "", /no stored credentials for basic auth/);

    await updateApiConfiguration(t.db, t.cipher, t.config.id, { secret: "wrong-password" });
    const wrong = await runOnce();
    assert.equal(wrong?.status, "failed");
    assert.match(wrong?.error ?? "", /HTTP 401/);
    assert.match(wrong?.error ?? "", /update them in the API configuration/);
    assert.ok(!(wrong?.error ?? "").includes("wrong-password"));
  } finally {
    await t.close();
  }
});

/** Cursor positions of the DATA requests the simulator received, in order. */
const dataRequests = (t: Awaited<ReturnType<typeof setUp>>) =>
  t.simulator.requestLog
    .filter((entry) => entry.requestType === "LIST.DATA_ONLY.STORED")
    .map((entry) => entry.cursorPosition);

Deno.test("engine: the next page is read ahead once and taken by its job", async () => {
  const t = await setUp(2000);
  try {
    const runId = (await t.start("full", 300)).id;
    await t.engine.processJob(t.queue.jobs.shift()!);
    // Page 2 was requested while page 1 was written: from the last committed row, 701 rows.
    assert.deepEqual(dataRequests(t), [1, 700]);
    await t.engine.processJob(t.queue.jobs.shift()!);
    assert.deepEqual(dataRequests(t), [1, 700, 1400], "page 2 was not requested again");
    const run = await t.drain(runId);
    assert.equal(run.status, "completed", run.error ?? "");
    assert.equal(run.insertedRecords, 2000);
    assert.deepEqual(dataRequests(t), [1, 700, 1400]);
  } finally {
    await t.close();
  }
});

Deno.test("engine: a page read ahead for another checkpoint is not used", async () => {
  const t = await setUp(2000);
  try {
    const runId = (await t.start("full", 300)).id;
    await t.engine.processJob(t.queue.jobs.shift()!);
    // The checkpoint moves back, as if page 1 had been written by another worker up to row 600.
    await t.db.query(
      "update sync_runs set cursor_position = 601, last_key = $2 where id = $1",
      [runId, t.simulator.row("CUPFAG", "RIO", 599).pfs_id],
    );
    await t.engine.processJob(t.queue.jobs.shift()!);
    assert.deepEqual(dataRequests(t).slice(0, 3), [1, 700, 600]);
  } finally {
    await t.close();
  }
});

Deno.test("engine: a failed read-ahead fails the run at the page it was for", async () => {
  const t = await setUp(2000, {}, { retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } });
  try {
    const runId = (await t.start("full", 300)).id;
    t.simulator.setFaults([{ kind: "status", status: 500, match: { cursorPosition: 700 } }]);
    await t.engine.processJob(t.queue.jobs.shift()!);
    const run = await t.drain(runId);
    assert.equal(run.status, "failed");
    assert.match(run.error ?? "", /page 2: .*HTTP 500/);
    assert.equal(run.processedRecords, 700, "page 1 stays written");
  } finally {
    await t.close();
  }
});
