import assert from "node:assert/strict";
import { openPostgres } from "../db/database.ts";
import { toBase64 } from "../lib/passwords.ts";
import { createSimulator } from "../simulator/handler.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { startRioSync, startServiceProcess } from "./support/process.ts";

async function writtenPages(logFile: string): Promise<number[]> {
  const text = await Deno.readTextFile(logFile).catch(() => "");
  return text.split("\n").flatMap((line) => {
    if (!line.startsWith("{")) return [];
    const entry = JSON.parse(line);
    return entry.msg === "page synced" && entry.outcome === "written" ? [entry.page] : [];
  });
}

Deno.test("cron job driver: two processes on one KV file, every page written once", async () => {
  const rows = 20_000;
  const database = await createTestDatabase();
  const folder = await Deno.makeTempDir({ prefix: "pems-cron-" });
  const simulator = createSimulator({ pfaRows: { RIO: rows } });
  const simulatorServer = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    simulator.handle,
  );
  const shared = {
    DATABASE_URL: database.url,
    KV_PATH: `${folder}/kv.sqlite3`,
    JOB_DRIVER: "cron",
    JOB_TICK_SECONDS: "1",
    JWT_SECRET: "j".repeat(40),
    CREDENTIALS_KEY: toBase64(new Uint8Array(32).fill(3)),
    PEMS_DEMO: "false",
    SYNC_LEASE_SECONDS: "2",
    SYNC_BATCH_SIZE: "500",
    LOG_LEVEL: "info",
  };
  const logA = `${folder}/a.log`;
  const logB = `${folder}/b.log`;
  const a = await startServiceProcess({ ...shared, DATA_DIR: `${folder}/a` }, { logFile: logA });
  const b = await startServiceProcess({ ...shared, DATA_DIR: `${folder}/b` }, { logFile: logB });
  const db = openPostgres(database.url, { max: 1 });
  try {
    const syncId = await startRioSync(a, simulatorServer.addr.port, 1000);

    // Process A starts the run; after a few pages it dies and B's tick takes over.
    const firstPagesBy = Date.now() + 60_000;
    while (true) {
      const { body } = await b.api("GET", `/api/pems/sync/${syncId}`);
      assert.notEqual(body.status, "failed", body.error);
      if (body.processedRecords >= 5_000) break;
      assert.ok(
        Date.now() < firstPagesBy,
        `run stuck at ${body.processedRecords} rows (${body.status})`,
      );
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await a.kill();

    let final;
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      ({ body: final } = await b.api("GET", `/api/pems/sync/${syncId}`));
      if (["completed", "failed"].includes(final.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(final.status, "completed", final.error ?? final.status);
    assert.equal(final.processedRecords, rows);
    assert.equal(final.insertedRecords, rows);
    const [count] = await db.query<{ count: string }>("select count(*) as count from pfa_records");
    assert.equal(Number(count.count), rows);

    const pagesA = await writtenPages(logA);
    const pagesB = await writtenPages(logB);
    assert.ok(pagesB.length > 0, "process B wrote pages after A died");
    const all = [...pagesA, ...pagesB].sort((x, y) => x - y);
    assert.equal(new Set(all).size, all.length, `a page was written twice: ${all.join(",")}`);
  } finally {
    await a.stop();
    await b.stop();
    await db.close();
    await simulatorServer.shutdown();
    await database.drop();
    await Deno.remove(folder, { recursive: true });
  }
});
