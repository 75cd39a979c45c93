import assert from "node:assert/strict";
import { updateApiConfiguration } from "../db/api_configurations.ts";
import type { Queryable } from "../db/database.ts";
import { requestCancel } from "../db/sync_runs.ts";
import { parseDate } from "../sync/cell_values.ts";
import { setUpEngine } from "./support/engine.ts";

async function countRows(db: Queryable, where = "true"): Promise<number> {
  const [row] = await db.query<{ count: string }>(
    `select count(*) as count from pfa_records where ${where}`,
  );
  return Number(row.count);
}

Deno.test("cancel: run stops after the current batch and keeps its rows", async () => {
  const t = await setUpEngine(3000);
  try {
    const run = await t.start();
    await t.engine.processJob(t.queue.jobs.shift()!);
    const afterFirstPage = await countRows(t.db);
    assert.equal(afterFirstPage, 700);
    const requested = await requestCancel(t.db, run.id);
    assert.equal(requested?.status, "running");
    const cancelled = await t.drain(run.id);
    assert.equal(cancelled.status, "cancelled");
    assert.equal(cancelled.processedRecords, 700);
    assert.equal(await countRows(t.db), 700);
    assert.ok(cancelled.completedAt);
  } finally {
    await t.close();
  }
});

Deno.test("cancel: request during a page rolls back the batch in flight", async () => {
  const t = await setUpEngine(3000);
  try {
    const run = await t.start("full", 300);
    // The cancel request arrives with the commit of the batch that reaches 1,000 rows, the first
    // of page 2, while the transaction of the second batch has already written its rows.
    await t.db.exec(`
      create function request_cancel_at_1000() returns trigger language plpgsql as $$
        begin if new.processed_records = 1000 then new.cancel_requested_at = now(); end if;
        return new; end $$;
      create trigger cancel_at_1000 before update on sync_runs
        for each row execute function request_cancel_at_1000();`);
    const cancelled = await t.drain(run.id);
    assert.equal(cancelled.status, "cancelled");
    assert.equal(cancelled.processedRecords, 1000);
    assert.equal(cancelled.insertedRecords, 1000);
    assert.equal(await countRows(t.db), 1000, "the batch in flight left no row");
  } finally {
    await t.close();
  }
});

Deno.test("cancel: queued run ends at once", async () => {
  const t = await setUpEngine(100);
  try {
    const run = await t.start();
    const cancelled = await requestCancel(t.db, run.id);
    assert.equal(cancelled?.status, "cancelled");
    assert.equal((await t.drain(run.id)).status, "cancelled");
    assert.equal(await countRows(t.db), 0);
  } finally {
    await t.close();
  }
});

Deno.test("full sync: rows gone upstream are marked deleted only at completion", async () => {
  const t = await setUpEngine(1500);
  try {
    const first = await t.drain((await t.start()).id);
    assert.equal(first.insertedRecords, 1500);

    const firstGoneKey = t.simulator.row("CUPFAG", "RIO", 1200).pfs_id;
    t.simulator.setPfaRows("RIO", 1200);
    // A cancelled full run deletes nothing.
    const cancelledRun = await t.start();
    await t.engine.processJob(t.queue.jobs.shift()!);
    await requestCancel(t.db, cancelledRun.id);
    assert.equal((await t.drain(cancelledRun.id)).status, "cancelled");
    assert.equal(await countRows(t.db, "deleted_at is not null"), 0);

    const second = await t.drain((await t.start()).id);
    assert.equal(second.status, "completed");
    assert.equal(second.unchangedRecords, 1200);
    assert.equal(second.deletedRecords, 300);
    assert.equal(await countRows(t.db, "deleted_at is null"), 1200);
    const deletedKeys = await t.db.query<{ pfa_id: string }>(
      "select pfa_id from pfa_records where deleted_at is not null order by pfa_id limit 1",
    );
    assert.equal(deletedKeys[0].pfa_id, firstGoneKey);

    t.simulator.setPfaRows("RIO", 1500);
    const third = await t.drain((await t.start()).id);
    assert.equal(third.updatedRecords, 300, "a row that comes back is restored as an update");
    assert.equal(await countRows(t.db, "deleted_at is null"), 1500);
  } finally {
    await t.close();
  }
});

Deno.test("incremental sync: reads rows changed since the watermark, boundary rows unchanged", async () => {
  const t = await setUpEngine(4000);
  try {
    const incrementalFirst = await t.drain((await t.start("incremental")).id);
    assert.equal(incrementalFirst.mode, "full", "no watermark yet: falls back to full");
    assert.match(incrementalFirst.notice ?? "", /full sync instead/);
    assert.equal(incrementalFirst.insertedRecords, 4000);

    const before = Array.from(
      { length: 4000 },
      (_, i) => JSON.stringify(t.simulator.row("CUPFAG", "RIO", i)),
    );
    t.simulator.setRevision(1);
    const changed = before.filter((row, i) =>
      row !== JSON.stringify(t.simulator.row("CUPFAG", "RIO", i))
    ).length;

    const second = await t.drain((await t.start("incremental")).id);
    assert.equal(second.status, "completed", second.error ?? "");
    assert.equal(second.mode, "incremental");
    assert.ok(second.watermark);
    assert.equal(second.updatedRecords, changed);
    assert.equal(second.insertedRecords, 0);
    assert.equal(second.deletedRecords, 0);
    assert.ok(second.processedRecords < 4000 / 2, `read ${second.processedRecords} rows`);
    assert.equal(second.unchangedRecords, second.processedRecords - changed);
    assert.ok(second.unchangedRecords >= 1, "the row at the watermark is read again");

    const third = await t.drain((await t.start("incremental")).id);
    assert.equal(third.updatedRecords, 0);
    assert.equal(third.insertedRecords, 0);
    assert.equal(await countRows(t.db, "deleted_at is null"), 4000);
  } finally {
    await t.close();
  }
});

Deno.test("schema drift: a missing column stops the run before writing unless allowed", async () => {
  const t = await setUpEngine(500);
  try {
    await t.drain((await t.start()).id);
    const stored = await t.db.query<{ grid_fields: Record<string, { name: string }[]> }>(
      "select grid_fields from api_configurations where id = $1",
      [t.config.id],
    );
    const fields = stored[0].grid_fields.pfa;
    assert.ok(fields.length > 60, "completed run stored the grid's fields");
    // The previous run saw a column that the grid no longer has, and another with a new type.
    const tampered = [
      ...fields.map((field) =>
        field.name === "pfs_f_price" ? { ...field, type: "VARCHAR" } : field
      ),
      { aliasnum: 999, name: "pfs_f_budget", label: "Budget", type: "DECIMAL" },
    ];
    await t.db.query("update api_configurations set grid_fields = $2::text::jsonb where id = $1", [
      t.config.id,
      JSON.stringify({ pfa: tampered }),
    ]);
    await t.db.query("update pfa_records set raw = '{}'::json");

    const stopped = await t.drain((await t.start()).id);
    assert.equal(stopped.status, "failed");
    assert.match(stopped.error ?? "", /grid CUPFAG changed since the last successful run/);
    assert.match(stopped.error ?? "", /missing pfs_f_budget/);
    assert.match(stopped.error ?? "", /retyped pfs_f_price \(VARCHAR to CURRENCY\)/);
    assert.match(stopped.error ?? "", /allow schema drift for configuration "PFA"/);
    assert.equal(stopped.processedRecords, 0);
    assert.equal(await countRows(t.db, "raw::text = '{}'"), 500, "nothing was written");

    await updateApiConfiguration(t.db, t.cipher, t.config.id, { allowSchemaDrift: true });
    const allowed = await t.drain((await t.start()).id);
    assert.equal(allowed.status, "completed", allowed.error ?? "");
    assert.equal(allowed.updatedRecords, 500);
  } finally {
    await t.close();
  }
});

Deno.test("time zone: zone-less EAM times are stored as instants of the configuration's zone", async () => {
  const t = await setUpEngine(300);
  try {
    await updateApiConfiguration(t.db, t.cipher, t.config.id, { timeZone: "America/New_York" });
    await t.drain((await t.start()).id);
    const rows = await t.db.query<
      { pfa_id: string; last_modified: Date; raw: Record<string, string> }
    >(
      "select pfa_id, last_modified, raw from pfa_records order by pfa_id",
    );
    let summer = 0;
    let winter = 0;
    for (const row of rows) {
      const text = row.raw.pfs_f_intlastupdated;
      const expected = parseDate(text, "America/New_York");
      assert.equal(row.last_modified.toISOString(), expected, `${row.pfa_id} ${text}`);
      const offsetHours = (Date.parse(expected!) - Date.parse(parseDate(text, "UTC")!)) / 3_600_000;
      if (offsetHours === 4) summer++;
      else if (offsetHours === 5) winter++;
      else assert.fail(`unexpected offset ${offsetHours} h for ${text}`);
    }
    assert.ok(
      summer > 0 && winter > 0,
      `rows on both sides of DST: ${summer} summer, ${winter} winter`,
    );
  } finally {
    await t.close();
  }
});
