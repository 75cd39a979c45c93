import assert from "node:assert/strict";
import { openPostgres } from "../db/database.ts";
import { createSimulator } from "../simulator/handler.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { startRioSync, startServiceProcess } from "./support/process.ts";

Deno.test("crash resume: SIGKILL twice mid-run, restart, every row exactly once", async () => {
  const rows = 50_000;
  const database = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "pems-crash-" });
  const simulator = createSimulator({ pfaRows: { RIO: rows } });
  const simulatorServer = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    simulator.handle,
  );
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    PEMS_DEMO: "false",
    SYNC_LEASE_SECONDS: "2",
    SYNC_BATCH_SIZE: "500",
  };
  let service = await startServiceProcess(env);
  const db = openPostgres(database.url, { max: 1 });
  try {
    const syncId = await startRioSync(service, simulatorServer.addr.port, 2000);

    for (const killAt of [8_000, 27_000]) {
      while (true) {
        const { body } = await service.api("GET", `/api/pems/sync/${syncId}`);
        assert.equal(body.status === "failed", false, body.error);
        if (body.processedRecords >= killAt) break;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await service.kill();
      service = await startServiceProcess(env, { port: service.port });
    }

    let final;
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      ({ body: final } = await service.api("GET", `/api/pems/sync/${syncId}`));
      if (["completed", "failed"].includes(final.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(final.status, "completed", final.error ?? final.status);
    assert.equal(final.processedRecords, rows);
    assert.equal(final.insertedRecords, rows);
    assert.equal(final.updatedRecords + final.unchangedRecords + final.errorRecords, 0);

    const stored = await db.query<{ pfa_id: string; raw: Record<string, string> }>(
      "select pfa_id, raw from pfa_records where organization = 'RIO' order by pfa_id",
    );
    assert.equal(stored.length, rows);
    for (let i = 0; i < rows; i++) {
      const expected = simulator.row("CUPFAG", "RIO", i);
      if (JSON.stringify(stored[i].raw) !== JSON.stringify(expected)) {
        assert.deepEqual(stored[i].raw, expected, `row ${i} differs`);
      }
    }
    const [stats] = await db.query<{ total: string }>(
      "select total_sync_record_count as total from api_configurations",
    );
    assert.equal(Number(stats.total), rows);
  } finally {
    await service.stop();
    await db.close();
    await simulatorServer.shutdown();
    await database.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
