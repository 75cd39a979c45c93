/**
 * `deno task bench`: measures pems-sync's end-to-end PFA sync against the COPY ceiling and the
 * per-row upsert baseline on the same rows, and checks the SSE stream under 100 viewers.
 *
 * The simulator and the service run as separate processes. The service is the real main.ts, on
 * a fresh Postgres database that is dropped at the end. See BENCHMARKS.md.
 *
 * @module
 */

import { type BenchDatabase, createBenchDatabase } from "./bench_database.ts";
import { measureCopy, measurePerRow, type PreparedRows, prepareRows } from "./baselines.ts";
import { describeMachine } from "./machine.ts";
import { type BenchOptions, parseOptions, usage } from "./options.ts";
import { type ChildProcess, jsonLine, startDenoScript } from "./processes.ts";
import { type BenchResult, formatReport, ratiosOf } from "./report.ts";
import { ServiceClient } from "./service_client.ts";
import { measureSseLoad } from "./sse_load.ts";
import { measureSync } from "./sync_run.ts";

const repoDir = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const adminEmail = "bench@example.test";
const startTimeoutMs = 60_000;

/** A running simulator process and the griddata URL it serves. */
interface RunningSimulator {
  process: ChildProcess;
  url: string;
}

async function startSimulator(options: BenchOptions, revision: number): Promise<RunningSimulator> {
  const process = startDenoScript("simulator", "simulator/main.ts", repoDir, {
    PEMS_SIM_HOST: "127.0.0.1",
    PEMS_SIM_PORT: "0",
    PEMS_SIM_ROWS: `${options.organization}=${options.rows}`,
    PEMS_SIM_REVISION: String(revision),
  });
  const started = await process.waitForLine(
    (line) => jsonLine(line, "pems simulator started"),
    startTimeoutMs,
  );
  return { process, url: String(started.url) };
}

async function startService(
  options: BenchOptions,
  databaseUrl: string,
  dataDir: string,
  password: string,
): Promise<{ process: ChildProcess; origin: string }> {
  const process = startDenoScript(
    "service",
    "main.ts",
    options.serviceDir,
    {
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      HOST: "127.0.0.1",
      PORT: "0",
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD: password,
      PEMS_DEMO: "false",
      SYNC_BATCH_SIZE: String(options.batchSize),
      LOG_LEVEL: "info",
    },
    [
      ...await startTaskV8Flags(options.serviceDir),
      ...(options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
    ],
    options.serviceLogPath,
  );
  const started = await process.waitForLine(
    (line) => jsonLine(line, "pems-sync started"),
    startTimeoutMs,
  );
  return { process, origin: String(started.origin) };
}

/**
 * Returns the `--v8-flags=...` arguments of the `start` task in the service's deno.json, so that
 * the benchmark runs the service as `deno task start` does.
 */
async function startTaskV8Flags(serviceDir: string): Promise<string[]> {
  const config = JSON.parse(await Deno.readTextFile(`${serviceDir}/deno.json`));
  const start = String(config?.tasks?.start ?? "");
  return start.split(/\s+/).filter((argument) => argument.startsWith("--v8-flags="));
}

function progress(message: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** The processes and database of one benchmark run. */
interface Stack {
  sql: BenchDatabase["sql"];
  client: ServiceClient;
  configId: number;
  servicePid: number;
  simulatorPid: () => number;
  simulatorUrl: () => string;
  /** Restarts the simulator with another data revision and points the configuration at it. */
  restartSimulator(revision: number): Promise<void>;
  /** Issues a CHECKPOINT, so that a phase does not pay for the dirty pages of the one before. */
  checkpoint(): Promise<void>;
}

async function startStack(options: BenchOptions, cleanups: Cleanup[]): Promise<Stack> {
  progress(`creating a database on ${new URL(options.databaseUrl).host}`);
  const database = await createBenchDatabase(
    options.databaseUrl,
    options.organization,
    options.serviceDir,
  );
  cleanups.push(() => database.drop());
  const dataDir = await Deno.makeTempDir({ prefix: "pems-bench-" });
  cleanups.push(() => Deno.remove(dataDir, { recursive: true }));

  let simulator = await startSimulator(options, 0);
  cleanups.push(() => simulator.process.stop());
  const password = crypto.randomUUID();
  const service = await startService(options, database.url, dataDir, password);
  cleanups.push(() => service.process.stop());
  const client = await ServiceClient.login(service.origin, adminEmail, password);
  const configId = await client.createPfaConfiguration(simulator.url, options.pageSize);
  return {
    sql: database.sql,
    client,
    configId,
    servicePid: service.process.pid,
    simulatorPid: () => simulator.process.pid,
    simulatorUrl: () => simulator.url,
    async restartSimulator(revision) {
      await simulator.process.stop();
      simulator = await startSimulator(options, revision);
      await client.setConfigurationUrl(configId, simulator.url);
    },
    async checkpoint() {
      await database.sql.unsafe("checkpoint").catch(() => {});
    },
  };
}

type Cleanup = () => Promise<unknown>;

async function run(options: BenchOptions): Promise<BenchResult> {
  const cleanups: Cleanup[] = [];
  const loadBefore = Deno.loadavg()[0];
  // Ctrl-C stops the processes and drops the database too, as the end of a run does.
  const interrupted = async () => {
    progress("interrupted: cleaning up");
    await runCleanups(cleanups);
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", interrupted);
  try {
    const stack = await startStack(options, cleanups);
    const sync = {
      sql: stack.sql,
      client: stack.client,
      configId: stack.configId,
      organization: options.organization,
      servicePid: stack.servicePid,
      simulatorPid: stack.simulatorPid,
    };
    await stack.checkpoint();
    progress("end-to-end full sync into an empty table");
    const fullSync = await measureSync(sync);
    await stack.restartSimulator(1);
    await stack.checkpoint();
    progress("end-to-end full sync with 10% of the rows changed upstream");
    const changedSync = await measureSync(sync);

    let sse = null;
    if (options.viewers > 0 && !options.syncOnly) {
      await stack.restartSimulator(2);
      await stack.checkpoint();
      progress(`SSE load check with ${options.viewers} viewers`);
      sse = await measureSseLoad({ ...sync, viewers: options.viewers });
    }
    // The baselines come last, so that the rows they prepare (about 2 GB at 1,000,000 rows) are
    // not held in this process while the syncs run.
    const { copy, perRow } = options.syncOnly
      ? { copy: null, perRow: null }
      : await measureBaselines(stack, options);

    return {
      date: new Date().toISOString(),
      label: options.label,
      machine: await describeMachine(stack.sql, repoDir),
      loadAverage: { before: loadBefore, after: Deno.loadavg()[0] },
      settings: {
        rows: options.rows,
        pageSize: options.pageSize,
        batchSize: options.batchSize,
        sample: perRow?.rows ?? 0,
        viewers: sse?.viewers ?? 0,
      },
      fullSync,
      changedSync,
      copy,
      perRow,
      sse,
      ratios: ratiosOf(fullSync, changedSync, copy, perRow),
    };
  } finally {
    Deno.removeSignalListener("SIGINT", interrupted);
    await runCleanups(cleanups);
  }
}

/** Runs the cleanups once each, the last added first. */
async function runCleanups(cleanups: Cleanup[]): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    await cleanup().catch((error) => progress(`cleanup failed: ${error.message}`));
  }
}

async function measureBaselines(stack: Stack, options: BenchOptions) {
  // The same rows as the first sync: the base data revision.
  await stack.restartSimulator(0);
  progress(`reading ${options.rows} rows for the baselines`);
  const prepared: PreparedRows = await prepareRows(
    stack.simulatorUrl(),
    options.organization,
    options.pageSize,
    options.sample,
  );
  await stack.checkpoint();
  progress("COPY ceiling");
  const copy = await measureCopy(stack.sql, prepared);
  await stack.checkpoint();
  progress(`per-row baseline on ${prepared.sample.length} rows`);
  const perRow = await measurePerRow(stack.sql, prepared);
  return { copy, perRow };
}

if (import.meta.main) {
  let options;
  try {
    options = parseOptions(Deno.args, repoDir);
  } catch (error) {
    console.error(`bench: ${(error as Error).message}\n\n${usage}`);
    Deno.exit(2);
  }
  if (options === "help") {
    console.log(usage);
    Deno.exit(0);
  }
  let result;
  try {
    result = await run(options);
  } catch (error) {
    console.error(`bench: ${(error as Error).message}`);
    Deno.exit(1);
  }
  console.log(formatReport(result));
  await Deno.writeTextFile(options.jsonPath, JSON.stringify(result) + "\n", { append: true });
  console.log(`\nresult appended to ${options.jsonPath}`);
}
