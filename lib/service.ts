import { type Database, openPglite, openPostgres } from "../db/database.ts";
import { demoSimulatorAccess, hasNoConfigurations, seedDemo } from "../db/demo_seed.ts";
import { migrate } from "../db/migrate.ts";
import { countUsers, findUserByEmail, upsertAdmin } from "../db/users.ts";
import { createApp } from "../routes/app.ts";
import { createSimulator, type Simulator } from "../simulator/handler.ts";
import { createSyncEngine } from "../sync/engine.ts";
import { createCronJobQueue } from "../sync/cron_job_queue.ts";
import { createKvJobQueue } from "../sync/job_queue.ts";
import { reclaimStalledRuns } from "../sync/run_reclaim.ts";
import { runDueSchedules, type ScheduleTick } from "../sync/scheduler.ts";
import { dirname } from "node:path";
import type { Config } from "./config.ts";
import { createCredentialsCipher } from "./credentials_cipher.ts";
import { lockDataDir } from "./data_dir_lock.ts";
import { loadLocalSecrets } from "./local_secrets.ts";
import { log, setLogLevel } from "./log.ts";
import { toBase64, verifyPassword } from "./passwords.ts";

/** A running pems-sync service. */
export interface Service {
  /** Origin the server listens on, such as http://127.0.0.1:8000. */
  origin: string;
  dataDir: string;
  db: Database;
  kv: Deno.Kv;
  /** The simulator mounted under /pems-sim, unless PEMS_DEMO is off. */
  simulator?: Simulator;
  /**
   * The minute tick: enqueues runs whose worker vanished and, with the cron job driver, runs
   * pending jobs for up to `budgetMs` (default 50 s, inside Deno Deploy's cron time limit).
   */
  tick(budgetMs?: number): Promise<void>;
  /** Starts the scheduled runs due at `now`; run by a Deno.cron tick every minute. */
  runSchedules(now?: Date): Promise<ScheduleTick>;
  /** Stops the server, closes open SSE streams, the queue, KV and the database. */
  close(): Promise<void>;
}

/** Test and embedding hooks of {@linkcode startService}. */
export interface ServiceOverrides {
  fetch?: typeof fetch;
}

async function openDatabase(config: Config): Promise<{ db: Database; lock?: Deno.FsFile }> {
  if (config.databaseUrl) {
    const db = openPostgres(config.databaseUrl, {
      max: config.databasePoolSize,
      prepare: config.databasePrepare,
    });
    return { db };
  }
  const lock = await lockDataDir(config.dataDir);
  return { db: await openPglite(`${config.dataDir}/pglite`), lock };
}

async function bootstrapAdmin(db: Database, config: Config): Promise<void> {
  if (config.adminEmail && config.adminPassword) {
    const existing = await findUserByEmail(db, config.adminEmail);
    const current = existing && existing.role === "admin" && !existing.disabled &&
      await verifyPassword(config.adminPassword, existing.passwordHash);
    // An unchanged admin keeps its tokens; every other case bumps the token version.
    if (current) return;
    await upsertAdmin(db, config.adminEmail, config.adminPassword);
    log("info", "admin account set from ADMIN_EMAIL", { email: config.adminEmail });
    return;
  }
  if (await countUsers(db) > 0) return;
  const password = toBase64(crypto.getRandomValues(new Uint8Array(15)));
  await upsertAdmin(db, "admin@localhost", password);
  // Printed once by design: without ADMIN_EMAIL/ADMIN_PASSWORD this is the only way in.
  console.error(
    `\n  First start: created admin@localhost with password ${password}\n` +
      "  It is not shown again. Set ADMIN_EMAIL and ADMIN_PASSWORD to choose your own.\n",
  );
}

/** Opens the stores, applies migrations, seeds, starts the queue worker and the HTTP server. */
export async function startService(
  config: Config,
  overrides: ServiceOverrides = {},
): Promise<Service> {
  setLogLevel(config.logLevel);
  const { db, lock } = await openDatabase(config);
  await migrate(db);

  const secrets = config.production
    ? { jwtSecret: config.jwtSecret!, credentialsKey: config.credentialsKey! }
    : await loadLocalSecrets(config.dataDir, {
      jwtSecret: config.jwtSecret,
      credentialsKey: config.credentialsKey,
    });
  const cipher = await createCredentialsCipher(secrets.credentialsKey);
  await bootstrapAdmin(db, config);

  if (config.kvPath) {
    await Deno.mkdir(dirname(config.kvPath), { recursive: true });
  }
  const kv = await Deno.openKv(config.kvPath);
  const cronQueue = config.jobDriver === "cron" ? createCronJobQueue(kv) : undefined;
  const queue = cronQueue ?? createKvJobQueue(kv);
  const engine = createSyncEngine({
    db,
    kv,
    queue,
    cipher,
    fetch: overrides.fetch,
    leaseMs: config.syncLeaseMs,
  });
  const listening = queue.listen(engine.processJob);
  const reclaim = () => reclaimStalledRuns(db, kv, queue, config.syncLeaseMs);
  const tick = async (budgetMs = 50_000) => {
    await reclaim();
    await cronQueue?.tick(Date.now() + budgetMs);
  };
  const ticker = config.jobTickMs === undefined ? undefined : setInterval(() => {
    tick(config.jobTickMs).catch((error) => log("error", "job tick failed", { error }));
  }, config.jobTickMs);
  await reclaim();
  // A run of a process that was just killed still has a live lease; look again once it expired.
  const reclaimLater = setTimeout(() => {
    reclaim().catch((error) => log("error", "reclaim of stalled runs failed", { error }));
  }, config.syncLeaseMs + 1_000);

  const simulator = config.demo === false ? undefined : createSimulator({
    pfaRows: config.simulatorRows,
    revision: config.simulatorRevision,
    ...demoSimulatorAccess,
  });
  const seed = config.demo === true || (config.demo === undefined && await hasNoConfigurations(db));

  const shutdown = new AbortController();
  const app = createApp({
    db,
    kv,
    queue,
    cipher,
    jwtSecret: secrets.jwtSecret,
    syncBatchSize: config.syncBatchSize,
    shutdown: shutdown.signal,
    simulator,
    fetch: overrides.fetch,
  });
  const server = Deno.serve(
    { hostname: config.host, port: config.port, onListen: () => {} },
    app.fetch,
  );
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${server.addr.port}`;
  if (simulator) {
    const created = await seedDemo(db, cipher, origin, { force: seed });
    if (created > 0) log("info", "demo configurations created", { count: created });
  }
  log("info", "pems-sync started", {
    origin,
    database: db.kind,
    demo: simulator !== undefined,
  });

  let closing: Promise<void> | undefined;
  return {
    origin,
    dataDir: config.dataDir,
    db,
    kv,
    simulator,
    tick,
    runSchedules: (now) => runDueSchedules(db, queue, now, { batchSize: config.syncBatchSize }),
    close() {
      closing ??= closeAll();
      return closing;
    },
  };

  async function closeAll() {
    clearTimeout(reclaimLater);
    clearInterval(ticker);
    cronQueue?.close();
    shutdown.abort();
    await server.shutdown();
    kv.close();
    await listening.catch(() => {});
    await db.close();
    lock?.close();
  }
}
