import assert from "node:assert/strict";
import type { SyncRun } from "../db/sync_runs.ts";
import { listQuarantinedRows } from "../db/quarantine.ts";
import { setUpEngine } from "./support/engine.ts";

type Engine = Awaited<ReturnType<typeof setUpEngine>>;

const fastRetries = {
  retry: { baseDelayMs: 5, maxDelayMs: 2_000, maxAttempts: 6 },
  requestTimeoutMs: 1_000,
};
// For tests that change the simulator between two jobs: the next page is then requested by its
// own job, after the change, not read ahead during the job before.
const noReadAhead = { ...fastRetries, readAhead: false };

/** Asserts that pfa_records contains exactly the simulator's current rows of RIO. */
async function assertTableMatchesSimulator(t: Engine) {
  const stored = await t.db.query<{ pfa_id: string; raw: Record<string, string> }>(
    "select pfa_id, raw from pfa_records where organization = 'RIO' and deleted_at is null order by pfa_id",
  );
  const count = t.simulator.rowCount("CUPFAG", "RIO");
  const expected = Array.from({ length: count }, (_, i) => t.simulator.row("CUPFAG", "RIO", i));
  assert.equal(stored.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (JSON.stringify(stored[i].raw) !== JSON.stringify(expected[i])) {
      assert.deepEqual(stored[i].raw, expected[i], `row ${i} (${stored[i].pfa_id}) differs`);
    }
  }
}

function assertCounts(run: SyncRun, counts: Partial<SyncRun>) {
  for (const [name, value] of Object.entries(counts)) {
    assert.equal(
      run[name as keyof SyncRun],
      value,
      `${name} of run ${run.status} ${run.error ?? ""}`,
    );
  }
}

Deno.test("EAM faults: transient faults are retried and the run ends exact", async () => {
  const t = await setUpEngine(2500, {}, fastRetries);
  try {
    t.simulator.setFaults([
      { kind: "status", status: 503, times: 2, match: { requestType: "LIST.DATA_ONLY.STORED" } },
      {
        kind: "rate_limit",
        retryAfterSeconds: 1,
        times: 1,
        skip: 1,
        match: { requestType: "LIST.DATA_ONLY.STORED" },
      },
      { kind: "reset", times: 1, skip: 2, match: { requestType: "LIST.DATA_ONLY.STORED" } },
      { kind: "status", status: 502, times: 1, match: { requestType: "LIST.COUNT.STORED" } },
      { kind: "hang", times: 1, skip: 3, match: { requestType: "LIST.DATA_ONLY.STORED" } },
      { kind: "latency", ms: 30, match: { requestType: "LIST.DATA_ONLY.STORED" } },
    ]);
    const run = await t.drain((await t.start()).id);
    assertCounts(run, {
      status: "completed",
      processedRecords: 2500,
      insertedRecords: 2500,
      errorRecords: 0,
    });
    assert.ok(
      t.simulator.faultHits.slice(0, 5).every((hits) => hits >= 1),
      `fault hits ${t.simulator.faultHits}`,
    );
    await assertTableMatchesSimulator(t);
  } finally {
    await t.close();
  }
});

Deno.test("EAM faults: a page shorter than announced continues from its last row", async () => {
  const t = await setUpEngine(2500, {}, fastRetries);
  try {
    t.simulator.setFaults([{
      kind: "short_page",
      rows: 123,
      times: 2,
      match: { requestType: "LIST.DATA_ONLY.STORED" },
    }]);
    const run = await t.drain((await t.start()).id);
    assertCounts(run, { status: "completed", processedRecords: 2500, insertedRecords: 2500 });
    await assertTableMatchesSimulator(t);
  } finally {
    await t.close();
  }
});

Deno.test("EAM faults: permanent faults fail the run with what failed, where and what to do", async () => {
  const cases: [string, object, RegExp][] = [
    [
      "bad credentials",
      { kind: "bad_credentials" },
      /HTTP 401.*update them in the API configuration/,
    ],
    [
      "error alert",
      { kind: "error_alert", message: "Grid CUPFAG is locked" },
      /Grid CUPFAG is locked/,
    ],
    ["malformed JSON", { kind: "malformed_json" }, /JSON/i],
    ["HTTP 500", { kind: "status", status: 500 }, /HTTP 500/],
    ["endless 503", { kind: "status", status: 503 }, /HTTP 503.*after 6 attempts/],
  ];
  for (const [name, fault, message] of cases) {
    const t = await setUpEngine(1500, {}, noReadAhead);
    try {
      const first = await t.start();
      await t.engine.processJob(t.queue.jobs.shift()!);
      t.simulator.setFaults([
        { ...fault, match: { requestType: "LIST.DATA_ONLY.STORED" } } as never,
      ]);
      const run = await t.drain(first.id);
      assert.equal(run.status, "failed", name);
      assert.match(run.error ?? "", message, name);
      assert.match(run.error ?? "", /configuration "PFA", organization RIO, page 2/, name);
      assert.ok(!(run.error ?? "").includes("pems-demo"), `${name}: password in the message`);
      assertCounts(run, { processedRecords: 700, insertedRecords: 700 });
      const [count] = await t.db.query<{ count: string }>(
        "select count(*) as count from pfa_records",
      );
      assert.equal(Number(count.count), 700, `${name}: committed rows stay`);
      const deleted = await t.db.query("select 1 from pfa_records where deleted_at is not null");
      assert.equal(deleted.length, 0, `${name}: a failed run deletes nothing`);
    } finally {
      await t.close();
    }
  }
});

Deno.test("bad rows: quarantined with field and reason, the run goes on", async () => {
  const t = await setUpEngine(1000, {}, fastRetries);
  try {
    const clean = await t.drain((await t.start()).id);
    assert.equal(clean.insertedRecords, 1000);
    t.simulator.setBadCells([
      {
        grid: "CUPFAG",
        organization: "RIO",
        index: 17,
        alias: "pfs_f_startdate",
        value: "31-FEB-2025",
      },
      { grid: "CUPFAG", organization: "RIO", index: 40, alias: "pfs_f_rate", value: "12,3x" },
      { grid: "CUPFAG", organization: "RIO", index: 800, alias: "pfa_act", value: "maybe" },
    ]);
    const run = await t.drain((await t.start()).id);
    assertCounts(run, {
      status: "completed",
      processedRecords: 1000,
      errorRecords: 3,
      unchangedRecords: 997,
      deletedRecords: 0,
    });
    assert.equal(run.errorSamples.length, 3);
    assert.match(run.errorSamples[0], /row 18: .*31-FEB-2025/);

    const rows = await listQuarantinedRows(t.db, run.id, { limit: 10 });
    assert.deepEqual(rows.map((row) => [row.rowPosition, row.field]), [
      [18, "pfs_f_startdate"],
      [41, "pfs_f_rate"],
      [801, "pfa_act"],
    ]);
    assert.equal(rows[1].raw.pfs_f_rate, "12,3x");
    assert.equal(rows[0].recordKey, t.simulator.row("CUPFAG", "RIO", 17).pfs_id);
    const stillThere = await t.db.query("select 1 from pfa_records where deleted_at is null");
    assert.equal(stillThere.length, 1000, "quarantined rows are not marked deleted");
  } finally {
    await t.close();
  }
});

Deno.test("paging: rows removed before the cursor mid-run are not skipped", async () => {
  const t = await setUpEngine(2000, {}, fastRetries);
  try {
    const started = await t.start();
    await t.engine.processJob(t.queue.jobs.shift()!);
    // Ten rows already read disappear, so every later row moves ten cursor positions down.
    t.simulator.deleteRows("CUPFAG", "RIO", [100, 101, 102, 103, 104, 105, 106, 107, 108, 109]);
    const inserted = t.simulator.insertRows("CUPFAG", "RIO", 3, 1500);
    const run = await t.drain(started.id);
    assertCounts(run, {
      status: "completed",
      processedRecords: 2003,
      insertedRecords: 2003,
      paging: "key",
    });
    const keys = new Set(
      (await t.db.query<{ pfa_id: string }>("select pfa_id from pfa_records")).map((row) =>
        row.pfa_id
      ),
    );
    for (const key of inserted) assert.ok(keys.has(key), `inserted row ${key} missing`);
    for (let i = 0; i < t.simulator.rowCount("CUPFAG", "RIO"); i++) {
      const key = t.simulator.row("CUPFAG", "RIO", i).pfs_id;
      assert.ok(keys.has(key), `row ${i} (${key}) was skipped`);
    }
    const next = await t.drain((await t.start()).id);
    assertCounts(next, { status: "completed", deletedRecords: 10, unchangedRecords: 1993 });
    await assertTableMatchesSimulator(t);
  } finally {
    await t.close();
  }
});

Deno.test("paging: rows added before the cursor mid-run are not read twice", async () => {
  const t = await setUpEngine(2000, {}, fastRetries);
  try {
    const started = await t.start();
    await t.engine.processJob(t.queue.jobs.shift()!);
    t.simulator.insertRows("CUPFAG", "RIO", 4, 50);
    const run = await t.drain(started.id);
    assertCounts(run, {
      status: "completed",
      processedRecords: 2000,
      insertedRecords: 2000,
      updatedRecords: 0,
    });
    const next = await t.drain((await t.start()).id);
    assertCounts(next, { status: "completed", insertedRecords: 4, unchangedRecords: 2000 });
    await assertTableMatchesSimulator(t);
  } finally {
    await t.close();
  }
});

Deno.test("schema drift: a renamed column in EAM stops the run before writing", async () => {
  const t = await setUpEngine(800, {}, fastRetries);
  try {
    await t.drain((await t.start()).id);
    t.simulator.setFieldChanges({
      grid: "CUPFAG",
      rename: [{ from: "pfs_f_rate", to: "pfs_f_rental_rate" }],
    });
    const run = await t.drain((await t.start()).id);
    assert.equal(run.status, "failed");
    assert.match(run.error ?? "", /missing pfs_f_rate; new pfs_f_rental_rate/);
    assert.equal(run.processedRecords, 0);
  } finally {
    await t.close();
  }
});

Deno.test("schema drift: columns renumbered mid-run fail the run instead of mislabelling cells", async () => {
  const t = await setUpEngine(1500, {}, noReadAhead);
  try {
    const started = await t.start();
    await t.engine.processJob(t.queue.jobs.shift()!);
    // The first column disappears and the others are numbered again, so every aliasnum moves.
    t.simulator.setFieldChanges({ grid: "CUPFAG", remove: ["pfs_desc"], renumber: true });
    const run = await t.drain(started.id);
    assert.equal(run.status, "failed");
    assert.match(
      run.error ?? "",
      /in a sync of RIO: the grid's columns or filters may have changed/,
    );
    assert.equal(run.processedRecords, 700);
  } finally {
    await t.close();
  }
});
