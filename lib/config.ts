import { z } from "zod";
import { parseRowsSetting } from "../simulator/handler.ts";

/** A start-up setting that is missing or invalid; the message names each variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

const booleanSetting = z
  .enum(["1", "0", "true", "false", "on", "off", "yes", "no"], {
    error: "expected one of 1, 0, true, false, on, off, yes, no",
  })
  .transform((value) => ["1", "true", "on", "yes"].includes(value));

const base64Key = z.string().refine((value) => decodeBase64Length(value) === 32, {
  error: "expected 32 random bytes in base64 (create one with: openssl rand -base64 32)",
});

const schema = z.object({
  PORT: z.coerce.number({ error: "expected a whole number" }).int({
    error: "expected a whole number",
  }).min(0).max(65535).default(8000),
  HOST: z.string().min(1).optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: "expected a postgres:// or postgresql:// URL" })
    .optional(),
  DATABASE_POOL_SIZE: z.coerce.number({ error: "expected a whole number" }).int({
    error: "expected a whole number",
  }).min(1).max(100).default(4),
  DATABASE_PREPARE: booleanSetting.default(true),
  DATA_DIR: z.string().min(1).default("./data"),
  KV_PATH: z.string().min(1).optional(),
  JWT_SECRET: z.string().min(32, { error: "must be at least 32 characters" }).optional(),
  CREDENTIALS_KEY: base64Key.optional(),
  ADMIN_EMAIL: z.email({ error: "expected an email address" }).optional(),
  ADMIN_PASSWORD: z.string().min(12, { error: "must be at least 12 characters" }).optional(),
  PEMS_DEMO: booleanSetting.optional(),
  PEMS_SIM_ROWS: z.string().transform((text, ctx) => {
    try {
      return parseRowsSetting(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  }).optional(),
  PEMS_SIM_REVISION: z.coerce.number({ error: "expected a whole number" }).int({
    error: "expected a whole number",
  }).min(0).default(0),
  JOB_DRIVER: z.enum(["kv", "cron"]).optional(),
  JOB_TICK_SECONDS: z.coerce.number({ error: "expected a whole number" }).int({
    error: "expected a whole number",
  }).min(1).max(3600).optional(),
  SYNC_LEASE_SECONDS: z.coerce.number({ error: "expected a whole number" }).int({
    error: "expected a whole number",
  }).min(1).max(3600).default(15),
  SYNC_BATCH_SIZE: z.coerce.number({ error: "expected a whole number" }).int({
    error: "expected a whole number",
  }).min(1).max(10_000).default(1_000),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
  DENO_DEPLOYMENT_ID: z.string().optional(),
  NODE_ENV: z.string().optional(),
});

/** The service settings, read from environment variables by {@linkcode loadConfig}. */
export interface Config {
  port: number;
  host: string;
  /** PostgreSQL URL; undefined selects embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  databasePoolSize: number;
  databasePrepare: boolean;
  dataDir: string;
  jwtSecret?: string;
  credentialsKey?: string;
  adminEmail?: string;
  adminPassword?: string;
  /** Seed the demo configurations; undefined means "when no configuration exists yet". */
  demo?: boolean;
  /** PFA rows per organization of the built-in simulator; undefined keeps its defaults. */
  simulatorRows?: Record<string, number>;
  /** Data revision of the built-in simulator; each step changes about 10% of the rows. */
  simulatorRevision: number;
  /**
   * Job delivery of sync runs. "kv" uses Deno KV queues. "cron" keeps pending jobs in KV and
   * advances them by ticks, because Deno Deploy has no KV queues. Default: cron on Deploy.
   */
  jobDriver: "kv" | "cron";
  /** Extra tick interval of the cron driver besides the minute cron, in ms; for local use. */
  jobTickMs?: number;
  /** KV file; undefined in production, where `Deno.openKv()` opens the platform's KV. */
  kvPath?: string;
  /** How long a worker's claim on a run lasts without renewal; also the stall timeout. */
  syncLeaseMs: number;
  /** Rows per upsert transaction. Default 1000. */
  syncBatchSize: number;
  logLevel: "debug" | "info" | "warn" | "error";
  /** True on Deno Deploy or with NODE_ENV=production: secrets must come from the environment. */
  production: boolean;
}

/**
 * Validates the environment and returns the settings.
 *
 * @throws {ConfigError} listing every invalid variable with its value (secrets are not echoed).
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const shown = secretNames.has(name) ? "(hidden)" : JSON.stringify(present[name]);
      return `${name}=${shown}: ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const value = parsed.data;
  const production = value.DENO_DEPLOYMENT_ID !== undefined || value.NODE_ENV === "production";
  const missing = [
    ["JWT_SECRET", value.JWT_SECRET],
    ["CREDENTIALS_KEY", value.CREDENTIALS_KEY],
    ["DATABASE_URL", value.DATABASE_URL],
  ].filter(([, setting]) => setting === undefined).map(([name]) => name);
  if (production && missing.length > 0) {
    throw new ConfigError(
      `missing ${missing.join(", ")}: required in production (Deno Deploy or NODE_ENV=production)`,
    );
  }
  const jobDriver = value.JOB_DRIVER ?? (value.DENO_DEPLOYMENT_ID ? "cron" : "kv");
  if (jobDriver === "cron" && value.DATABASE_URL === undefined) {
    throw new ConfigError("JOB_DRIVER=cron needs DATABASE_URL: the cron driver writes no files");
  }
  if ((value.ADMIN_EMAIL === undefined) !== (value.ADMIN_PASSWORD === undefined)) {
    throw new ConfigError("ADMIN_EMAIL and ADMIN_PASSWORD must be set together");
  }
  return {
    port: value.PORT,
    // Deno Deploy routes traffic to the isolate itself, so listen on every interface there.
    host: value.HOST ?? (value.DENO_DEPLOYMENT_ID ? "0.0.0.0" : "127.0.0.1"),
    databaseUrl: value.DATABASE_URL,
    databasePoolSize: value.DATABASE_POOL_SIZE,
    databasePrepare: value.DATABASE_PREPARE,
    dataDir: value.DATA_DIR,
    // In production (Deno Deploy) KV needs no path, and no file may be written.
    kvPath: value.KV_PATH ?? (production ? undefined : `${value.DATA_DIR}/kv.sqlite3`),
    jobDriver,
    jobTickMs: value.JOB_TICK_SECONDS === undefined ? undefined : value.JOB_TICK_SECONDS * 1000,
    jwtSecret: value.JWT_SECRET,
    credentialsKey: value.CREDENTIALS_KEY,
    adminEmail: value.ADMIN_EMAIL,
    adminPassword: value.ADMIN_PASSWORD,
    demo: value.PEMS_DEMO,
    simulatorRows: value.PEMS_SIM_ROWS,
    simulatorRevision: value.PEMS_SIM_REVISION,
    syncLeaseMs: value.SYNC_LEASE_SECONDS * 1000,
    syncBatchSize: value.SYNC_BATCH_SIZE,
    logLevel: value.LOG_LEVEL,
    production,
  };
}

const secretNames = new Set(["JWT_SECRET", "CREDENTIALS_KEY", "ADMIN_PASSWORD", "DATABASE_URL"]);

function decodeBase64Length(text: string): number {
  try {
    return atob(text).length;
  } catch {
    return -1;
  }
}
