/**
 * Command-line options of `deno task bench`.
 *
 * @module
 */

import { parseArgs } from "node:util";

/** Settings of one benchmark run. */
export interface BenchOptions {
  /** PFA rows of the organization, synced end to end and copied. */
  rows: number;
  /** Rows of the per-row upsert baseline, taken from the start of the same rows. */
  sample: number;
  /** Clients on the event stream in the SSE load check; 0 skips the check. */
  viewers: number;
  pageSize: number;
  batchSize: number;
  organization: string;
  /** Postgres server URL; the benchmark creates and drops its own database there. */
  databaseUrl: string;
  /** Folder whose main.ts is started as the service. Default: this repository. */
  serviceDir: string;
  /** JSON Lines file to which the result is appended. */
  jsonPath: string;
  /** Free text stored with the result, such as the change being measured. */
  label: string | null;
  /** Skip the COPY ceiling, the per-row baseline and the SSE check, to compare syncs quickly. */
  syncOnly: boolean;
  /** Folder for a V8 CPU profile of the service process, written when it stops. */
  cpuProfileDir: string | null;
  /** File that receives every log line of the service process. */
  serviceLogPath: string | null;
}

export const usage = `Usage: deno task bench [options]

Measures pems-sync's end-to-end PFA sync against a COPY ceiling and a per-row baseline.

  --rows N           PFA rows to sync (default 200000)
  --sample N         rows of the per-row upsert baseline (default 20000)
  --viewers N        SSE clients in the load check, 0 to skip it (default 100)
  --page-size N      EAM page size of the configuration (default 5000)
  --batch-size N     rows per upsert transaction, SYNC_BATCH_SIZE (default 1000)
  --organization ORG organization code (default RIO)
  --database-url URL Postgres server (default $BENCH_DATABASE_URL or
                     postgres://postgres@127.0.0.1:5432/postgres)
  --service-dir DIR  folder whose main.ts is the service (default: this repository)
  --json FILE        JSON Lines file the result is appended to (default bench/results.jsonl)
  --label TEXT       note stored with the result
  --sync-only        run only the two end-to-end syncs (no baselines, no SSE check)
  --cpu-prof DIR     write a CPU profile of the service process to DIR (deno --cpu-prof)
  --service-log FILE write the service's log lines (JSON) to FILE
`;

const numberOptions = new Set(["--rows", "--sample", "--viewers", "--page-size", "--batch-size"]);

/** Parses the arguments; throws an Error naming a bad option. */
export function parseOptions(args: string[], repoDir: string): BenchOptions | "help" {
  // parseArgs takes "-5" for an option and reports an ambiguous argument, so negative numbers
  // are rejected here with the range of the option.
  for (let i = 0; i + 1 < args.length; i++) {
    if (numberOptions.has(args[i]) && /^-\d/.test(args[i + 1])) {
      throw new Error(
        `invalid ${args[i]} "${args[i + 1]}": expected a whole number, not a negative one`,
      );
    }
  }
  const { values } = parseArgs({
    args,
    options: {
      rows: { type: "string", default: "200000" },
      sample: { type: "string", default: "20000" },
      viewers: { type: "string", default: "100" },
      "page-size": { type: "string", default: "5000" },
      "batch-size": { type: "string", default: "1000" },
      organization: { type: "string", default: "RIO" },
      "database-url": { type: "string" },
      "service-dir": { type: "string" },
      json: { type: "string" },
      label: { type: "string" },
      "cpu-prof": { type: "string" },
      "service-log": { type: "string" },
      "sync-only": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return "help";
  const rows = wholeNumber("--rows", values.rows, 1, 9_000_000);
  return {
    rows,
    sample: Math.min(rows, wholeNumber("--sample", values.sample, 1, 1_000_000)),
    viewers: wholeNumber("--viewers", values.viewers, 0, 1_000),
    pageSize: wholeNumber("--page-size", values["page-size"], 1, 10_000),
    batchSize: wholeNumber("--batch-size", values["batch-size"], 1, 10_000),
    organization: values.organization,
    databaseUrl: values["database-url"] ?? Deno.env.get("BENCH_DATABASE_URL") ??
      "postgres://postgres@127.0.0.1:5432/postgres",
    serviceDir: serviceDirectory(values["service-dir"] ?? repoDir),
    jsonPath: values.json ?? `${repoDir}/bench/results.jsonl`,
    label: values.label ?? null,
    syncOnly: values["sync-only"] ?? false,
    cpuProfileDir: values["cpu-prof"] ?? null,
    serviceLogPath: values["service-log"] ?? null,
  };
}

function wholeNumber(name: string, text: string, min: number, max: number): number {
  const value = Number(text.replaceAll("_", ""));
  if (!/^\d[\d_]*$/.test(text) || value < min || value > max) {
    throw new Error(`invalid ${name} "${text}": expected a whole number from ${min} to ${max}`);
  }
  return value;
}

/** Checks that `dir` is a service tree, with main.ts and db/migrations. */
function serviceDirectory(dir: string): string {
  for (const path of ["main.ts", "db/migrations"]) {
    try {
      Deno.statSync(`${dir}/${path}`);
    } catch {
      throw new Error(
        `invalid --service-dir "${dir}": ${path} not found; pass a checkout of pems-sync`,
      );
    }
  }
  return dir;
}
