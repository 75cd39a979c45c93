/**
 * A small in-process metrics registry that renders the Prometheus text exposition format
 * (version 0.0.4), and the metrics of pems-sync. Counters and histograms live in the memory of
 * one process, so they start at zero on every start. Gauges that describe the database are set
 * just before each scrape.
 *
 * @module
 */

/** Label names and values of one series. */
export type Labels = Record<string, string>;

/** Content type of {@linkcode MetricsRegistry.render}'s output. */
export const prometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

interface Metric {
  readonly name: string;
  render(): string[];
}

function escapeLabelValue(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

function formatLabels(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) =>
    `${name}="${escapeLabelValue(value)}"`
  );
  return pairs.length > 0 ? `{${pairs.join(",")}}` : "";
}

function formatNumber(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return Number.isNaN(value) ? "NaN" : String(value);
}

function header(name: string, help: string, type: string): string[] {
  return [
    `# HELP ${name} ${help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}`,
    `# TYPE ${name} ${type}`,
  ];
}

/** Keeps the label values of a metric in a fixed order, so one series has one key. */
class LabeledValues<T> {
  readonly #values = new Map<string, { labels: Labels; value: T }>();

  constructor(private readonly labelNames: readonly string[]) {}

  entry(labels: Labels, create: () => T): { labels: Labels; value: T } {
    const ordered: Labels = {};
    for (const name of this.labelNames) {
      const value = labels[name];
      if (value === undefined) throw new RangeError(`missing label ${name}`);
      ordered[name] = value;
    }
    const key = JSON.stringify(Object.values(ordered));
    let entry = this.#values.get(key);
    if (!entry) {
      entry = { labels: ordered, value: create() };
      this.#values.set(key, entry);
    }
    return entry;
  }

  entries(): { labels: Labels; value: T }[] {
    return [...this.#values.values()];
  }

  clear(): void {
    this.#values.clear();
  }
}

/** A value that only goes up, such as rows written. */
export class Counter implements Metric {
  readonly #series: LabeledValues<{ total: number }>;

  constructor(readonly name: string, readonly help: string, labelNames: readonly string[] = []) {
    this.#series = new LabeledValues(labelNames);
  }

  /** Adds `amount` (default 1, never negative) to the series of `labels`. */
  inc(labels: Labels = {}, amount = 1): void {
    if (!(amount >= 0)) throw new RangeError(`invalid counter increment ${amount}: expected >= 0`);
    this.#series.entry(labels, () => ({ total: 0 })).value.total += amount;
  }

  /** Returns the current value of one series; 0 when it was never incremented. */
  get(labels: Labels = {}): number {
    return this.#series.entry(labels, () => ({ total: 0 })).value.total;
  }

  render(): string[] {
    return [
      ...header(this.name, this.help, "counter"),
      ...this.#series.entries().map(({ labels, value }) =>
        `${this.name}${formatLabels(labels)} ${formatNumber(value.total)}`
      ),
    ];
  }
}

/** A value that is set, such as the number of queued runs. */
export class Gauge implements Metric {
  readonly #series: LabeledValues<{ current: number }>;

  constructor(readonly name: string, readonly help: string, labelNames: readonly string[] = []) {
    this.#series = new LabeledValues(labelNames);
  }

  set(labels: Labels, value: number): void {
    this.#series.entry(labels, () => ({ current: 0 })).value.current = value;
  }

  /** Forgets every series, so a label value that disappeared is no longer exported. */
  reset(): void {
    this.#series.clear();
  }

  render(): string[] {
    return [
      ...header(this.name, this.help, "gauge"),
      ...this.#series.entries().map(({ labels, value }) =>
        `${this.name}${formatLabels(labels)} ${formatNumber(value.current)}`
      ),
    ];
  }
}

/** Observations counted in cumulative buckets, such as request durations in seconds. */
export class Histogram implements Metric {
  readonly #series: LabeledValues<{ counts: number[]; sum: number; count: number }>;

  constructor(
    readonly name: string,
    readonly help: string,
    labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {
    this.#series = new LabeledValues(labelNames);
  }

  observe(labels: Labels, value: number): void {
    const series = this.#series.entry(labels, () => ({
      counts: this.buckets.map(() => 0),
      sum: 0,
      count: 0,
    })).value;
    this.buckets.forEach((bound, i) => {
      if (value <= bound) series.counts[i]++;
    });
    series.sum += value;
    series.count++;
  }

  render(): string[] {
    const lines = header(this.name, this.help, "histogram");
    for (const { labels, value } of this.#series.entries()) {
      this.buckets.forEach((bound, i) => {
        const bucketLabels = formatLabels({ ...labels, le: formatNumber(bound) });
        lines.push(`${this.name}_bucket${bucketLabels} ${value.counts[i]}`);
      });
      lines.push(`${this.name}_bucket${formatLabels({ ...labels, le: "+Inf" })} ${value.count}`);
      lines.push(`${this.name}_sum${formatLabels(labels)} ${formatNumber(value.sum)}`);
      lines.push(`${this.name}_count${formatLabels(labels)} ${value.count}`);
    }
    return lines;
  }
}

/** A set of metrics rendered together. */
export class MetricsRegistry {
  readonly #metrics: Metric[] = [];

  #add<T extends Metric>(metric: T): T {
    if (this.#metrics.some((known) => known.name === metric.name)) {
      throw new Error(`metric ${metric.name} is already registered`);
    }
    this.#metrics.push(metric);
    return metric;
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    return this.#add(new Counter(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.#add(new Gauge(name, help, labelNames));
  }

  histogram(
    name: string,
    help: string,
    labelNames: readonly string[],
    buckets: readonly number[],
  ): Histogram {
    return this.#add(new Histogram(name, help, labelNames, [...buckets].sort((a, b) => a - b)));
  }

  /** Renders every metric in the Prometheus text format, ending with a newline. */
  render(): string {
    return this.#metrics.flatMap((metric) => metric.render()).join("\n") + "\n";
  }
}

/** The registry that GET /metrics renders. */
export const metrics = new MetricsRegistry();

/** Outcomes of the rows a sync run handles, in the order of {@linkcode countSyncRows}. */
export const rowOutcomes = ["inserted", "updated", "unchanged", "error", "deleted"] as const;

/** Rows written by committed batches of this process, by outcome. */
export const syncRowsTotal = metrics.counter(
  "pems_sync_rows_total",
  "Rows handled by committed sync batches in this process, by outcome.",
  ["outcome"],
);
for (const outcome of rowOutcomes) syncRowsTotal.inc({ outcome }, 0);

/** Sync runs in the database, by status; set before each scrape. */
export const syncRunsGauge = metrics.gauge(
  "pems_sync_runs",
  "Sync runs stored in the database, by status.",
  ["status"],
);

/** Queued plus running runs in the database; set before each scrape. */
export const syncQueueDepth = metrics.gauge(
  "pems_sync_queue_depth",
  "Active sync runs (queued or running) in the database.",
);

/** Duration of each EAM request attempt, retries counted one by one. */
export const eamRequestDuration = metrics.histogram(
  "pems_eam_request_duration_seconds",
  "Duration of EAM Grid Data requests in seconds, by request type and outcome (ok or error kind).",
  ["request_type", "outcome"],
  [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
);

/** EAM requests repeated after a retryable failure, by the failure's kind. */
export const eamRetriesTotal = metrics.counter(
  "pems_eam_retries_total",
  "EAM requests retried after a retryable failure, by error kind.",
  ["kind"],
);

/** The row counts of a sync run, as stored after a batch. */
export interface RunRowCounts {
  insertedRecords: number;
  updatedRecords: number;
  unchangedRecords: number;
  errorRecords: number;
  deletedRecords: number;
}

/** Adds the rows one committed batch handled: the difference of the run's counts. */
export function countSyncRows(before: RunRowCounts, after: RunRowCounts): void {
  const differences = [
    after.insertedRecords - before.insertedRecords,
    after.updatedRecords - before.updatedRecords,
    after.unchangedRecords - before.unchangedRecords,
    after.errorRecords - before.errorRecords,
    after.deletedRecords - before.deletedRecords,
  ];
  differences.forEach((difference, i) => {
    if (difference > 0) syncRowsTotal.inc({ outcome: rowOutcomes[i] }, difference);
  });
}

/**
 * Runs one EAM request attempt and records its duration. The outcome is "ok", or the `kind` of
 * the error it threw (timeout, network, http, auth, alert, protocol), else "error".
 */
export async function timeEamRequest<T>(requestType: string, send: () => Promise<T>): Promise<T> {
  const started = performance.now();
  let outcome = "ok";
  try {
    return await send();
  } catch (error) {
    const kind = (error as { kind?: unknown } | null)?.kind;
    outcome = typeof kind === "string" ? kind : "error";
    throw error;
  } finally {
    eamRequestDuration.observe(
      { request_type: requestType, outcome },
      (performance.now() - started) / 1000,
    );
  }
}
