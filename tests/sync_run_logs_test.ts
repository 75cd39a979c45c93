import assert from "node:assert/strict";
import { requestCancel } from "../db/sync_runs.ts";
import { appendSyncRunLog, listSyncRunLogs, type SyncRunLogLine } from "../db/sync_run_logs.ts";
import { setUpEngine } from "./support/engine.ts";

const fastRetries = {
  retry: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 3 },
  requestTimeoutMs: 1_000,
};

type Engine = Awaited<ReturnType<typeof setUpEngine>>;

async function allLines(t: Engine, runId: string): Promise<SyncRunLogLine[]> {
  return (await listSyncRunLogs(t.db, runId, { limit: 1000 })).lines;
}

Deno.test("run log: start, one line per page, completion", async () => {
  const t = await setUpEngine(3000);
  try {
    const run = await t.drain((await t.start()).id);
    assert.equal(run.status, "completed");
    const lines = await allLines(t, run.id);
    assert.deepEqual(lines.map((line) => line.message), [
      "run started",
      "page synced",
      "page synced",
      "page synced",
      "page synced",
      "page synced",
      "run completed",
    ]);
    assert.deepEqual(lines[0].fields, {
      grid: "CUPFAG",
      totalRecords: 3000,
      mode: "full",
      watermark: null,
    });
    const pages = lines.filter((line) => line.message === "page synced");
    assert.deepEqual(pages.map((line) => line.fields.page), [1, 2, 3, 4, 5]);
    assert.deepEqual(pages.map((line) => line.fields.rows), [700, 700, 700, 700, 200]);
    for (const page of pages) {
      assert.equal(page.level, "info");
      assert.equal(page.fields.paging, "cursor");
      assert.equal(page.fields.outcome, "written");
      assert.equal(typeof page.fields.durationMs, "number");
    }
    assert.deepEqual(lines.at(-1)!.fields, {
      processed: 3000,
      inserted: 3000,
      updated: 0,
      unchanged: 0,
      errors: 0,
      deleted: 0,
    });
    const ids = lines.map((line) => line.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b), "lines are listed in id order");
  } finally {
    await t.close();
  }
});

Deno.test("run log: retries and the failure message", async () => {
  const t = await setUpEngine(1000, {}, fastRetries);
  try {
    t.simulator.setFaults([
      { kind: "status", status: 503, times: 1, match: { requestType: "LIST.DATA_ONLY.STORED" } },
      {
        kind: "status",
        status: 503,
        match: { requestType: "LIST.DATA_ONLY.STORED", cursorPosition: 700 },
      },
    ]);
    const run = await t.drain((await t.start()).id);
    assert.equal(run.status, "failed");
    const lines = await allLines(t, run.id);
    const retries = lines.filter((line) => line.message === "EAM request retried");
    assert.deepEqual(retries.map((line) => [line.fields.page, line.fields.attempt]), [
      [1, 1],
      [2, 1],
      [2, 2],
    ]);
    assert.equal(retries[0].level, "warn");
    assert.match(String(retries[0].fields.error), /HTTP 503/);
    assert.equal(typeof retries[0].fields.delayMs, "number");
    const last = lines.at(-1)!;
    assert.equal(last.message, "run failed");
    assert.equal(last.level, "error");
    assert.equal(last.fields.error, run.error);
    assert.match(String(last.fields.error), /page 2: .*gave up after 3 attempts/);
    assert.equal(lines.filter((line) => line.message === "page synced").length, 1);
  } finally {
    await t.close();
  }
});

Deno.test("run log: cancel between pages", async () => {
  const t = await setUpEngine(3000);
  try {
    const started = await t.start();
    await t.engine.processJob(t.queue.jobs.shift()!);
    await requestCancel(t.db, started.id);
    const run = await t.drain(started.id);
    assert.equal(run.status, "cancelled");
    const lines = await allLines(t, run.id);
    assert.deepEqual(lines.map((line) => line.message), [
      "run started",
      "page synced",
      "run cancelled",
    ]);
    assert.deepEqual(lines[2].fields, { processed: 700 });
  } finally {
    await t.close();
  }
});

Deno.test("run log: shifted page is recorded", async () => {
  // Without read-ahead, so that page 2 is requested after the rows below are inserted.
  const t = await setUpEngine(2000, {}, { readAhead: false });
  try {
    const started = await t.start();
    await t.engine.processJob(t.queue.jobs.shift()!);
    t.simulator.deleteRows("CUPFAG", "RIO", [10, 11]);
    const run = await t.drain(started.id);
    assert.equal(run.status, "completed");
    const lines = await allLines(t, run.id);
    const shifted = lines.filter((line) => line.message.startsWith("page shifted"));
    assert.equal(shifted.length, 1);
    assert.equal(shifted[0].level, "warn");
    assert.equal(shifted[0].fields.cursorPosition, 701);
    assert.equal(shifted[0].fields.lastKey, t.simulator.row("CUPFAG", "RIO", 699 - 2).pfs_id);
    const pages = lines.filter((line) => line.message === "page synced");
    assert.deepEqual(pages.map((line) => line.fields.paging), ["cursor", "key", "key"]);
  } finally {
    await t.close();
  }
});

Deno.test("run log: failed insert resolves, paging by id", async () => {
  const t = await setUpEngine(10);
  try {
    const run = await t.start();
    // No such run: the foreign key rejects the insert, and the append still resolves.
    await appendSyncRunLog(t.db, crypto.randomUUID(), { level: "info", message: "orphan" });
    const orphans = await t.db.query("select 1 from sync_run_logs where message = 'orphan'");
    assert.equal(orphans.length, 0);

    for (let i = 1; i <= 5; i++) {
      await appendSyncRunLog(t.db, run.id, {
        level: "info",
        message: `line ${i}`,
        fields: { error: new Error(`reason ${i}`) },
      });
    }
    const first = await listSyncRunLogs(t.db, run.id, { limit: 2 });
    assert.deepEqual(first.lines.map((line) => line.message), ["line 1", "line 2"]);
    assert.equal(first.next, first.lines[1].id);
    assert.deepEqual(first.lines[0].fields, { error: "reason 1" }, "errors are stored as text");
    const second = await listSyncRunLogs(t.db, run.id, { limit: 2, after: first.next! });
    assert.deepEqual(second.lines.map((line) => line.message), ["line 3", "line 4"]);
    const last = await listSyncRunLogs(t.db, run.id, { limit: 2, after: second.next! });
    assert.deepEqual(last.lines.map((line) => line.message), ["line 5"]);
    assert.equal(last.next, null);
  } finally {
    await t.close();
  }
});
