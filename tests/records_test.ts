import assert from "node:assert/strict";
import { upsertBatch } from "../db/records.ts";
import { pfaEntity } from "../sync/entities.ts";
import { mapRows } from "../sync/row_mapper.ts";
import { openMigratedDatabase } from "./support/database.ts";

function pfaRow(id: number, key: string, rate: string) {
  return {
    id,
    cells: {
      pfs_id: key,
      pfs_a_org: "RIO",
      pfs_desc: `08850 crane ${key}`,
      pfs_f_rate: rate,
      pfa_act: "+",
      pfa_dis: "N",
      pfs_ft: "-1",
      pfs_f_startdate: "05-NOV-2025",
      pfs_f_intlastupdated: "05-NOV-2025 14:30",
    },
  };
}

Deno.test("records: upsert counts inserted, updated and unchanged rows", async () => {
  const db = await openMigratedDatabase();
  try {
    const runA = crypto.randomUUID();
    const runB = crypto.randomUUID();
    const first = mapRows(
      pfaEntity,
      [pfaRow(1, "1000001", "1,200.50"), pfaRow(2, "1000002", "10")],
      "UTC",
    );
    assert.deepEqual(
      await db.transaction((tx) => upsertBatch(tx, pfaEntity, "RIO", runA, first)),
      { inserted: 2, updated: 0, unchanged: 0 },
    );
    const second = mapRows(pfaEntity, [
      pfaRow(1, "1000001", "1,200.50"),
      pfaRow(2, "1000002", "11"),
      pfaRow(3, "1000003", ""),
    ], "UTC");
    assert.deepEqual(
      await db.transaction((tx) => upsertBatch(tx, pfaEntity, "RIO", runB, second)),
      { inserted: 1, updated: 1, unchanged: 1 },
    );
    const rows = await db.query<Record<string, unknown>>(
      `select pfa_id, monthly_rate, updated_at, created_at, is_actualized, is_discontinued, is_funds_transferable,
              forecast_start, last_modified, first_seen_sync_id, last_changed_sync_id
       from pfa_records order by pfa_id`,
    );
    assert.equal(rows.length, 3);
    assert.equal(rows[0].monthly_rate, "1200.50");
    assert.equal(rows[0].is_actualized, true);
    assert.equal(rows[0].is_discontinued, false);
    assert.equal(rows[0].is_funds_transferable, true);
    assert.equal((rows[0].forecast_start as Date).toISOString(), "2025-11-05T00:00:00.000Z");
    assert.equal((rows[0].last_modified as Date).toISOString(), "2025-11-05T14:30:00.000Z");
    assert.equal(rows[0].last_changed_sync_id, runA, "an unchanged row is not written");
    assert.equal(rows[0].first_seen_sync_id, runA);
    assert.equal(rows[1].monthly_rate, "11.00");
    assert.equal(rows[1].first_seen_sync_id, runA);
    assert.equal(rows[1].last_changed_sync_id, runB);
    assert.equal(rows[2].monthly_rate, null);
    assert.equal(
      (rows[0].updated_at as Date).getTime(),
      (rows[0].created_at as Date).getTime(),
      "an unchanged row keeps its updated_at",
    );
  } finally {
    await db.drop();
  }
});

Deno.test("records: organizations with equal keys stay apart", async () => {
  const db = await openMigratedDatabase();
  try {
    const batch = mapRows(pfaEntity, [pfaRow(1, "1000001", "5")], "UTC");
    await db.transaction((tx) => upsertBatch(tx, pfaEntity, "RIO", crypto.randomUUID(), batch));
    const counts = await db.transaction((tx) =>
      upsertBatch(tx, pfaEntity, "CUTLASS2", crypto.randomUUID(), batch)
    );
    assert.equal(counts.inserted, 1);
    const [row] = await db.query<{ count: string }>("select count(*) as count from pfa_records");
    assert.equal(Number(row.count), 2);
  } finally {
    await db.drop();
  }
});
