import assert from "node:assert/strict";
import type { Database } from "../db/database.ts";
import { arrayLiteral, upsertBatch } from "../db/records.ts";
import { pfaEntity } from "../sync/entities.ts";
import { mapRows } from "../sync/row_mapper.ts";
import { openMigratedDatabase } from "./support/database.ts";

const descriptions = [
  'crane "XL" 50t',
  "C:\\sites\\rio \\N",
  "{braces, commas}",
  "NULL",
  "line one\nline two\ttab",
  "Zürich ☃ \u2028 end",
  "  padded  ",
];

/** Upserts PFA row 1000001 with a description, as a new sync run of RIO. */
function upsertOneRow(db: Database, description: string) {
  const cells = { pfs_id: "1000001", pfs_desc: description };
  const batch = mapRows(pfaEntity, [{ id: 1, cells }], "UTC");
  return db.transaction((tx) => upsertBatch(tx, pfaEntity, "RIO", crypto.randomUUID(), batch));
}

Deno.test("records: array literal quotes and escapes text", () => {
  assert.equal(
    arrayLiteral(['a"b', "c\\d", null, "NULL", ""], true),
    '{"a\\"b","c\\\\d",NULL,"NULL",""}',
  );
  assert.equal(
    arrayLiteral([1.5, true, false, null, "2025-11-05T00:00:00.000Z"], false),
    "{1.5,t,f,NULL,2025-11-05T00:00:00.000Z}",
  );
  assert.equal(arrayLiteral([], true), "{}");
});

Deno.test("records: text cells survive the upsert", async () => {
  const db = await openMigratedDatabase();
  try {
    const rows = descriptions.map((description, index) => ({
      id: index + 1,
      cells: {
        pfs_id: `${1_000_000 + index}`,
        pfs_desc: description,
        pfs_f_rate: "-1,234.50",
        pfa_act: index % 2 === 0 ? "Y" : "N",
        pfs_f_startdate: "05-NOV-2025",
      },
    }));
    const batch = mapRows(pfaEntity, rows, "UTC");
    assert.equal(batch.quarantined.length, 0);
    const counts = await db.transaction((tx) =>
      upsertBatch(tx, pfaEntity, "RIO", crypto.randomUUID(), batch)
    );
    assert.deepEqual(counts, { inserted: descriptions.length, updated: 0, unchanged: 0 });

    const stored = await db.query<Record<string, unknown>>(
      `select pfa_id, description, raw->>'pfs_desc' as raw_description, monthly_rate,
              is_actualized, forecast_start
       from pfa_records order by pfa_id`,
    );
    assert.deepEqual(
      stored.map((row) => row.description),
      descriptions.map((description) => description.trim()),
    );
    assert.deepEqual(stored.map((row) => row.raw_description), descriptions);
    assert.equal(stored[0].monthly_rate, "-1234.50");
    assert.equal(stored[0].is_actualized, true);
    assert.equal(stored[1].is_actualized, false);
    assert.equal((stored[0].forecast_start as Date).toISOString(), "2025-11-05T00:00:00.000Z");
  } finally {
    await db.drop();
  }
});

Deno.test("records: unchanged rows count as unchanged", async () => {
  const db = await openMigratedDatabase();
  try {
    const upsert = (description: string) => upsertOneRow(db, description);
    assert.deepEqual(await upsert("crane"), { inserted: 1, updated: 0, unchanged: 0 });
    assert.deepEqual(await upsert("crane"), { inserted: 0, updated: 0, unchanged: 1 });
    assert.deepEqual(await upsert('crane "XL"'), { inserted: 0, updated: 1, unchanged: 0 });
    await db.query("update pfa_records set deleted_at = now()");
    assert.deepEqual(await upsert('crane "XL"'), { inserted: 0, updated: 1, unchanged: 0 });
    const [stored] = await db.query<{ deleted_at: Date | null }>(
      "select deleted_at from pfa_records",
    );
    assert.equal(stored.deleted_at, null);
  } finally {
    await db.drop();
  }
});

Deno.test("records: raw text in another key order counts as unchanged and is kept", async () => {
  const db = await openMigratedDatabase();
  try {
    const upsert = () => upsertOneRow(db, "crane");
    assert.deepEqual(await upsert(), { inserted: 1, updated: 0, unchanged: 0 });
    // Rows stored before migration 006 carry jsonb's key order, not EAM's.
    const reordered = '{"pfs_desc": "crane", "pfs_id": "1000001"}';
    await db.query("update pfa_records set raw = $1::text::json", [reordered]);
    assert.deepEqual(await upsert(), { inserted: 0, updated: 0, unchanged: 1 });
    const [stored] = await db.query<{ raw: string }>("select raw::text as raw from pfa_records");
    assert.equal(stored.raw, reordered);
  } finally {
    await db.drop();
  }
});
