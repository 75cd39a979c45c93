import { createApiConfiguration } from "../../db/api_configurations.ts";
import { ensureOrganizations } from "../../db/organizations.ts";
import { loadSyncRun, type SyncMode, type SyncRun } from "../../db/sync_runs.ts";
import { createCredentialsCipher } from "../../lib/credentials_cipher.ts";
import { toBase64 } from "../../lib/passwords.ts";
import { createSimulator, type SimulatorOptions } from "../../simulator/handler.ts";
import { createSyncEngine, type SyncEngineOptions } from "../../sync/engine.ts";
import type { JobQueue, SyncJob } from "../../sync/job_queue.ts";
import { startSync } from "../../sync/start_sync.ts";
import { openMigratedDatabase } from "./database.ts";

/** Holds enqueued jobs until the test delivers them, as often as it likes. */
export function heldQueue(): JobQueue & { jobs: SyncJob[] } {
  const jobs: SyncJob[] = [];
  return {
    jobs,
    enqueue(job) {
      jobs.push(job);
      return Promise.resolve();
    },
    listen: () => Promise.resolve(),
  };
}

/**
 * Sets up the engine on a fresh Postgres database against a simulator served over HTTP, with a
 * held queue: the test delivers each job itself. The configuration "PFA" pulls pfa, page size 700.
 */
export async function setUpEngine(
  rows: number,
  simulatorOptions: SimulatorOptions = {},
  engineOptions: Partial<SyncEngineOptions> = {},
) {
  const db = await openMigratedDatabase();
  const kv = await Deno.openKv(":memory:");
  const simulator = createSimulator({ pfaRows: { RIO: rows }, ...simulatorOptions });
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    simulator.handle,
  );
  const cipher = await createCredentialsCipher(
    toBase64(crypto.getRandomValues(new Uint8Array(32))),
  );
  await ensureOrganizations(db, [{ code: "RIO", name: "Rio" }]);
  const config = await createApiConfiguration(db, cipher, {
    name: "PFA",
    usage: "PEMS_PFA_READ",
    url: `http://127.0.0.1:${server.addr.port}/axis/restservices/griddata`,
    authType: "basic",
    username: "pems",
    secret: "pems-demo",
    customHeaders: { tenant: "DEMO_DEV" },
    feeds: [{ entity: "pfa" }],
    pageSize: 700,
  });
  const queue = heldQueue();
  const engine = createSyncEngine({ db, kv, queue, cipher, ...engineOptions });
  return {
    db,
    queue,
    engine,
    simulator,
    config,
    cipher,
    /** Starts a run of the "PFA" configuration for RIO and returns it. */
    async start(mode: SyncMode = "full", batchSize = 300): Promise<SyncRun> {
      const started = await startSync(db, queue, {
        apiConfigId: config.id,
        organization: "RIO",
        mode,
        startedBy: null,
        batchSize,
      });
      if (!("run" in started)) throw new Error("a run is already active");
      return started.run;
    },
    /** Delivers queued jobs until none is left and returns the run as stored. */
    async drain(runId: string): Promise<SyncRun> {
      while (queue.jobs.length > 0) await engine.processJob(queue.jobs.shift()!);
      return (await loadSyncRun(db, runId))!;
    },
    async close() {
      await server.shutdown();
      kv.close();
      await db.drop();
    },
  };
}
