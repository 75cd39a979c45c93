/**
 * The benchmark's result: one record for the JSON log and its text table.
 *
 * @module
 */

import type { WriteMeasurement } from "./baselines.ts";
import type { SseMeasurement } from "./sse_load.ts";
import type { SyncMeasurement } from "./sync_run.ts";

/** The machine and software a result was measured on. */
export interface MachineInfo {
  cpuModel: string;
  cpus: number;
  memoryBytes: number;
  os: string;
  deno: string;
  v8: string;
  postgres: string;
  gitCommit: string | null;
  /** True when the work tree had changes that are not committed. */
  gitDirty: boolean | null;
}

/** One benchmark run, as appended to the JSON log. */
export interface BenchResult {
  date: string;
  label: string | null;
  machine: MachineInfo;
  /** 1-minute load average before and after the run; other work on the machine skews results. */
  loadAverage: { before: number; after: number };
  settings: { rows: number; pageSize: number; batchSize: number; sample: number; viewers: number };
  fullSync: SyncMeasurement;
  changedSync: SyncMeasurement;
  /** Null with `--sync-only`. */
  copy: WriteMeasurement | null;
  perRow: WriteMeasurement | null;
  sse: SseMeasurement | null;
  ratios: {
    fullToCopy: number | null;
    fullToPerRow: number | null;
    changedToCopy: number | null;
    changedToPerRow: number | null;
  };
}

/** Computes the ratios of the end-to-end rates to the two baselines. */
export function ratiosOf(
  full: SyncMeasurement,
  changed: SyncMeasurement,
  copy: WriteMeasurement | null,
  perRow: WriteMeasurement | null,
): BenchResult["ratios"] {
  const share = (rate: number, baseline: WriteMeasurement | null) =>
    baseline ? rate / baseline.rowsPerSecond : null;
  return {
    fullToCopy: share(full.rowsPerSecond, copy),
    fullToPerRow: share(full.rowsPerSecond, perRow),
    changedToCopy: share(changed.rowsPerSecond, copy),
    changedToPerRow: share(changed.rowsPerSecond, perRow),
  };
}

const mebibytes = (bytes: number) => `${Math.round(bytes / (1024 * 1024))} MiB`;
const integer = (value: number) => Math.round(value).toLocaleString("en-US");
const ratio = (value: number | null) => value === null ? "" : value.toFixed(2);
const cpu = (sync: SyncMeasurement) =>
  `${sync.serviceCpuMicrosPerRow.toFixed(1)} µs / ${
    sync.postgresCpuMicrosPerRow.toFixed(1)
  } µs / ` +
  `${sync.simulatorCpuMicrosPerRow.toFixed(1)} µs`;
const milliseconds = (value: number | null) => value === null ? "n/a" : `${Math.round(value)} ms`;

interface Line {
  name: string;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssBytes?: number;
  toCopy: number | null;
  toPerRow: number | null;
}

/** Formats a result as the text table the benchmark prints. */
export function formatReport(result: BenchResult): string {
  const { fullSync, changedSync, copy, perRow, sse, ratios, settings, loadAverage } = result;
  const lines: Line[] = [
    {
      name: "end-to-end full sync, empty table",
      ...fullSync,
      toCopy: ratios.fullToCopy,
      toPerRow: ratios.fullToPerRow,
    },
    {
      name: "end-to-end full sync, 10% changed",
      ...changedSync,
      toCopy: ratios.changedToCopy,
      toPerRow: ratios.changedToPerRow,
    },
  ];
  if (copy) lines.push({ name: "COPY ceiling, empty table", ...copy, toCopy: 1, toPerRow: null });
  if (perRow) {
    lines.push({ name: "per-row upsert, autocommit", ...perRow, toCopy: null, toPerRow: 1 });
  }
  if (sse) {
    lines.push({
      name: `end-to-end with ${sse.viewers} SSE viewers`,
      ...sse,
      toCopy: copy ? sse.rowsPerSecond / copy.rowsPerSecond : null,
      toPerRow: perRow ? sse.rowsPerSecond / perRow.rowsPerSecond : null,
    });
  }
  const header = [
    "measurement",
    "rows",
    "seconds",
    "rows/s",
    "service peak RSS",
    "/ COPY",
    "/ per-row",
  ];
  const cells = lines.map((line) => [
    line.name,
    integer(line.rows),
    line.seconds.toFixed(1),
    integer(line.rowsPerSecond),
    line.peakRssBytes === undefined ? "" : mebibytes(line.peakRssBytes),
    ratio(line.toCopy),
    ratio(line.toPerRow),
  ]);

  const text = [
    `pems-sync benchmark: ${integer(settings.rows)} PFA rows, page ${settings.pageSize}, ` +
    `batch ${settings.batchSize}, ${result.machine.cpus} CPUs (${result.machine.cpuModel}), ` +
    `load average ${loadAverage.before.toFixed(2)} before, ${loadAverage.after.toFixed(2)} after`,
    "",
    ...table([header, ...cells]),
    "",
    `first progress event after POST: ${milliseconds(fullSync.firstProgressMs)} (empty table), ` +
    `${milliseconds(changedSync.firstProgressMs)} (10% changed)`,
    `rows in the changed run: ${integer(changedSync.updated)} updated, ` +
    `${integer(changedSync.unchanged)} unchanged, ${integer(changedSync.inserted)} inserted`,
    `CPU per row, service / Postgres / simulator: ${cpu(fullSync)} (empty table), ${
      cpu(changedSync)
    } ` +
    "(10% changed)",
  ];
  if (sse) {
    text.push(
      `SSE, ${sse.viewers} viewers: ${integer(sse.events)} checkpoint events, delay from commit ` +
        `p50 ${milliseconds(sse.p50DelayMs)}, p95 ${milliseconds(sse.p95DelayMs)}, ` +
        `max ${milliseconds(sse.maxDelayMs)}; service RSS ${mebibytes(sse.rssAfterBytes)}, ` +
        `peak ${mebibytes(sse.peakRssBytes)}`,
    );
  }
  return text.join("\n");
}

function table(cells: string[][]): string[] {
  const widths = cells[0].map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  const line = (row: string[]) =>
    row.map((cell, column) =>
      column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column])
    ).join("  ");
  return [
    line(cells[0]),
    widths.map((width) => "-".repeat(width)).join("  "),
    ...cells.slice(1).map(line),
  ];
}
