import assert from "node:assert/strict";
import { pfaEntity } from "../sync/entities.ts";
import { mapRows } from "../sync/row_mapper.ts";

const good = {
  pfs_id: "1000001",
  pfs_f_rate: "1,234.50",
  pfa_act: "Y",
  pfs_f_startdate: "01-JAN-2026",
};

Deno.test("row mapper: good row becomes column values", () => {
  const batch = mapRows(pfaEntity, [{ id: 1, cells: good }], "UTC");
  assert.deepEqual(batch.keys, ["1000001"]);
  const column = (name: string) =>
    batch.columns[pfaEntity.columns.findIndex((c) => c.column === name)][0];
  assert.equal(column("monthly_rate"), "1234.50");
  assert.equal(column("is_actualized"), true);
  assert.equal(column("forecast_start"), "2026-01-01T00:00:00.000Z");
  assert.equal(column("description"), null);
  assert.deepEqual(JSON.parse(batch.raws[0]), good);
  assert.equal(batch.quarantined.length, 0);
});

Deno.test("row mapper: bad rows are quarantined with field and reason", () => {
  const batch = mapRows(pfaEntity, [
    { id: 1, cells: { ...good, pfs_f_startdate: "31-FEB-2025" } },
    { id: 2, cells: { ...good, pfs_id: "1000002", pfs_f_rate: "12,3x" } },
    { id: 3, cells: { ...good, pfs_id: "" } },
    { id: 4, cells: { ...good, pfs_id: "1000004" } },
    { id: 5, cells: { ...good, pfs_id: "1000005", pfa_act: "maybe" } },
    { id: 6, cells: { ...good, pfs_id: "1000004" } },
  ], "UTC");
  assert.deepEqual(batch.keys, ["1000004"]);
  const reasons = batch.quarantined.map((row) => [row.position, row.field]);
  assert.deepEqual(reasons, [
    [1, "pfs_f_startdate"],
    [2, "pfs_f_rate"],
    [3, "pfs_id"],
    [5, "pfa_act"],
    [6, "pfs_id"],
  ]);
  assert.match(batch.quarantined[0].reason, /31-FEB-2025/);
  assert.match(batch.quarantined[1].reason, /12,3x/);
  assert.match(batch.quarantined[2].reason, /missing key pfs_id/);
  assert.match(batch.quarantined[4].reason, /duplicate key 1000004/);
  assert.equal(batch.quarantined[0].raw.pfs_f_startdate, "31-FEB-2025");
});
