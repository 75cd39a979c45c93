/**
 * Measures one end-to-end sync run through the service's REST API and event stream.
 *
 * @module
 */

import type postgres from "postgres";
import { readCpuSeconds, readMemory, resetPeakRss } from "./processes.ts";
import type { ReceivedEvent, RunProgress, ServiceClient } from "./service_client.ts";

/** Row counts, time, memory and CPU time of one end-to-end run. */
export interface SyncMeasurement {
  rows: number;
  /** From sending POST /api/pems/sync to receiving the run's `done` event. */
  seconds: number;
  rowsPerSecond: number;
  /** VmHWM of the service process during the run. */
  peakRssBytes: number;
  /** CPU time of the service process per row, in microseconds. */
  serviceCpuMicrosPerRow: number;
  /**
   * CPU time of the database's server processes per row, in microseconds: the backends of the
   * service's connections that were open after the run. A backend that started during the run
   * counts from zero.
   */
  postgresCpuMicrosPerRow: number;
  /** CPU time of the simulator process per row, in microseconds: the EAM side's share. */
  simulatorCpuMicrosPerRow: number;
  /** From sending the POST to the first event that shows committed rows. */
  firstProgressMs: number | null;
  /** From sending the POST to the first event of the stream (the run's state at connection). */
  firstEventMs: number | null;
  inserted: number;
  updated: number;
  unchanged: number;
  errors: number;
}

/** Options of {@link measureSync}. */
export interface MeasureSyncOptions {
  client: ServiceClient;
  configId: number;
  organization: string;
  servicePid: number;
  /** The simulator's process id at the time of the call; it changes when it is restarted. */
  simulatorPid: () => number;
  /** The benchmark's connection to the same database, to find the service's backends. */
  sql: postgres.Sql;
  /** Called with the run id once the POST returned, before the run is awaited. */
  onStarted?: (syncId: string) => void;
}

/**
 * Starts a full sync, follows its event stream until `done`, and returns the measurement.
 *
 * @throws {Error} when the run does not complete.
 */
export async function measureSync(options: MeasureSyncOptions): Promise<SyncMeasurement> {
  const { client, servicePid } = options;
  await resetPeakRss(servicePid);
  const simulatorPid = options.simulatorPid();
  const cpuBefore = await cpuSeconds(options.sql, servicePid);
  const simulatorBefore = await readCpuSeconds(simulatorPid);
  const posted = performance.now();
  const syncId = await client.startFullSync(options.configId, options.organization);
  options.onStarted?.(syncId);

  let firstEvent: number | null = null;
  let firstProgress: number | null = null;
  const final = await client.followEvents(syncId, (event: ReceivedEvent) => {
    firstEvent ??= event.receivedAt;
    if (firstProgress === null && event.event === "progress") {
      const progress = JSON.parse(event.data) as RunProgress;
      if (progress.processedRecords > 0) firstProgress = event.receivedAt;
    }
  });
  const seconds = (performance.now() - posted) / 1000;
  const memory = await readMemory(servicePid);
  const cpuAfter = await cpuSeconds(options.sql, servicePid);
  const simulatorAfter = await readCpuSeconds(simulatorPid);
  const perRow = (before: number, after: number) =>
    final.processedRecords > 0 ? (after - before) * 1e6 / final.processedRecords : 0;
  if (final.status !== "completed") {
    throw new Error(`sync run ${syncId} ended ${final.status}: ${final.error ?? "no error text"}`);
  }
  return {
    rows: final.processedRecords,
    seconds,
    rowsPerSecond: final.processedRecords / seconds,
    peakRssBytes: memory.peakRss,
    serviceCpuMicrosPerRow: perRow(cpuBefore.service, cpuAfter.service),
    postgresCpuMicrosPerRow: perRow(0, backendCpuSince(cpuBefore.backends, cpuAfter.backends)),
    simulatorCpuMicrosPerRow: perRow(simulatorBefore, simulatorAfter),
    firstProgressMs: firstProgress === null ? null : firstProgress - posted,
    firstEventMs: firstEvent === null ? null : firstEvent - posted,
    inserted: final.insertedRecords,
    updated: final.updatedRecords,
    unchanged: final.unchangedRecords,
    errors: final.errorRecords,
  };
}

interface CpuSample {
  service: number;
  /** CPU seconds of each server process of the database except the benchmark's own. */
  backends: Map<number, number>;
}

async function cpuSeconds(sql: postgres.Sql, servicePid: number): Promise<CpuSample> {
  const rows = await sql.unsafe(
    `select pid from pg_stat_activity
     where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
  );
  const backends = new Map<number, number>();
  for (const { pid } of rows) backends.set(Number(pid), await readCpuSeconds(Number(pid)));
  return { service: await readCpuSeconds(servicePid), backends };
}

/** Sums the CPU seconds that each backend in `after` used since `before`, or since it started. */
function backendCpuSince(before: Map<number, number>, after: Map<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}
