import type { CredentialsCipher } from "../lib/credentials_cipher.ts";
import { parseSchedule } from "../sync/schedule.ts";
import type { Queryable } from "./database.ts";

export type AuthType = "none" | "basic" | "apiKey";
export type OperationType = "read" | "write" | "read-write";

/** An API configuration as the REST API shows it: never with credentials. */
export interface ApiConfiguration {
  id: number;
  name: string;
  usage: string;
  url: string;
  authType: AuthType;
  hasCredentials: boolean;
  customHeaders: Record<string, string>;
  /** Owning organization; null when the configuration is shared by all organizations. */
  organization: string | null;
  operationType: OperationType;
  feeds: unknown;
  pageSize: number;
  /** IANA zone in which EAM's zone-less dates and times are read. */
  timeZone: string;
  /** Let runs continue when the grid's columns differ from the last successful run. */
  allowSchemaDrift: boolean;
  /** How far before the watermark an incremental run starts reading, in seconds. */
  incrementalOverlapSeconds: number;
  /** FIELDS of each entity's grid at the last successful run, keyed by entity. */
  gridFields: Record<string, unknown>;
  /** manual, hourly, daily@HH:MM, weekly@ddd HH:MM or a 5-field cron expression, in UTC. */
  schedule: string;
  /** Organizations a scheduled run syncs; null means every organization. */
  scheduleOrganizations: string[] | null;
  /** When the scheduler last started runs of this configuration. */
  lastScheduledAt: Date | null;
  status: "untested" | "connected" | "error";
  lastCheckedAt: Date | null;
  lastError: string | null;
  firstSyncAt: Date | null;
  lastSyncAt: Date | null;
  lastSyncRecordCount: number | null;
  totalSyncRecordCount: number | null;
  createdAt: Date;
  updatedAt: Date;
}

/** Plain credentials, held only in memory while a request to EAM is built. */
export interface ApiCredentials {
  username?: string;
  /** The password for basic auth, or the key for apiKey auth. */
  secret?: string;
}

/** Fields that create or change a configuration; credentials are plain and get encrypted here. */
export interface ApiConfigurationInput {
  name?: string;
  usage?: string;
  url?: string;
  authType?: AuthType;
  username?: string | null;
  secret?: string | null;
  customHeaders?: Record<string, string>;
  organization?: string | null;
  operationType?: OperationType;
  feeds?: unknown;
  pageSize?: number;
  timeZone?: string;
  allowSchemaDrift?: boolean;
  incrementalOverlapSeconds?: number;
  schedule?: string;
  scheduleOrganizations?: string[] | null;
}

// deno-lint-ignore no-explicit-any
function toApiConfiguration(row: any): ApiConfiguration {
  const count = (value: unknown) => (value === null ? null : Number(value));
  return {
    id: Number(row.id),
    name: row.name,
    usage: row.usage,
    url: row.url,
    authType: row.auth_type,
    hasCredentials: row.secret_encrypted !== null,
    customHeaders: row.custom_headers ?? {},
    organization: row.organization ?? null,
    operationType: row.operation_type,
    feeds: row.feeds,
    pageSize: Number(row.page_size),
    timeZone: row.time_zone,
    allowSchemaDrift: row.allow_schema_drift,
    incrementalOverlapSeconds: Number(row.incremental_overlap_seconds),
    gridFields: row.grid_fields ?? {},
    schedule: row.schedule,
    scheduleOrganizations: row.schedule_organizations,
    lastScheduledAt: row.last_scheduled_at,
    status: row.status,
    lastCheckedAt: row.last_checked_at,
    lastError: row.last_error,
    firstSyncAt: row.first_sync_at,
    lastSyncAt: row.last_sync_at,
    lastSyncRecordCount: count(row.last_sync_record_count),
    totalSyncRecordCount: count(row.total_sync_record_count),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Lists all configurations by name. */
export async function listApiConfigurations(db: Queryable): Promise<ApiConfiguration[]> {
  const rows = await db.query("select * from api_configurations order by name");
  return rows.map(toApiConfiguration);
}

/** Loads one configuration, or undefined. */
export async function loadApiConfiguration(
  db: Queryable,
  id: number,
): Promise<ApiConfiguration | undefined> {
  const rows = await db.query("select * from api_configurations where id = $1", [id]);
  return rows.length > 0 ? toApiConfiguration(rows[0]) : undefined;
}

/** Decrypts a configuration's stored credentials. */
export async function loadApiCredentials(
  db: Queryable,
  cipher: CredentialsCipher,
  id: number,
): Promise<ApiCredentials> {
  const [row] = await db.query<
    { username_encrypted: string | null; secret_encrypted: string | null }
  >(
    "select username_encrypted, secret_encrypted from api_configurations where id = $1",
    [id],
  );
  if (!row) return {};
  return {
    username: row.username_encrypted ? await cipher.decrypt(row.username_encrypted) : undefined,
    secret: row.secret_encrypted ? await cipher.decrypt(row.secret_encrypted) : undefined,
  };
}

const columnOf: Record<string, string> = {
  name: "name",
  usage: "usage",
  url: "url",
  authType: "auth_type",
  customHeaders: "custom_headers",
  organization: "organization",
  operationType: "operation_type",
  feeds: "feeds",
  pageSize: "page_size",
  timeZone: "time_zone",
  allowSchemaDrift: "allow_schema_drift",
  incrementalOverlapSeconds: "incremental_overlap_seconds",
  schedule: "schedule",
  scheduleOrganizations: "schedule_organizations",
};

const castOf: Record<string, string> = {
  custom_headers: "::text::jsonb",
  feeds: "::text::jsonb",
  schedule_organizations: "::text[]",
};

async function toColumns(
  input: ApiConfigurationInput,
  cipher: CredentialsCipher,
): Promise<[string, unknown][]> {
  const columns: [string, unknown][] = [];
  for (const [field, column] of Object.entries(columnOf)) {
    const value = input[field as keyof ApiConfigurationInput];
    if (value === undefined) continue;
    const json = field === "customHeaders" || field === "feeds";
    columns.push([column, json && value !== null ? JSON.stringify(value) : value]);
  }
  if (input.schedule !== undefined) {
    // Stored normalized; parseSchedule throws ScheduleError for text the config API rejects.
    const schedule = columns.find(([column]) => column === "schedule")!;
    schedule[1] = parseSchedule(input.schedule).text;
    // Counting starts now, so a new schedule does not fire for a time that already passed.
    columns.push(["last_scheduled_at", new Date()]);
  }
  if (input.username !== undefined) {
    columns.push(["username_encrypted", input.username && await cipher.encrypt(input.username)]);
  }
  if (input.secret !== undefined) {
    columns.push(["secret_encrypted", input.secret && await cipher.encrypt(input.secret)]);
  }
  return columns;
}

/** Inserts a configuration and returns it. */
export async function createApiConfiguration(
  db: Queryable,
  cipher: CredentialsCipher,
  input: ApiConfigurationInput,
): Promise<ApiConfiguration> {
  const columns = await toColumns(input, cipher);
  const placeholders = columns.map(([column], i) => `$${i + 1}${castOf[column] ?? ""}`);
  const [row] = await db.query(
    `insert into api_configurations (${columns.map(([column]) => column).join(", ")})
     values (${placeholders.join(", ")}) returning *`,
    columns.map(([, value]) => value),
  );
  return toApiConfiguration(row);
}

/** Changes the given fields of a configuration; returns undefined when it does not exist. */
export async function updateApiConfiguration(
  db: Queryable,
  cipher: CredentialsCipher,
  id: number,
  input: ApiConfigurationInput,
): Promise<ApiConfiguration | undefined> {
  const columns = await toColumns(input, cipher);
  const assignments = columns.map(([column], i) => `${column} = $${i + 2}${castOf[column] ?? ""}`);
  const rows = await db.query(
    `update api_configurations set ${[...assignments, "updated_at = now()"].join(", ")}
     where id = $1 returning *`,
    [id, ...columns.map(([, value]) => value)],
  );
  return rows.length > 0 ? toApiConfiguration(rows[0]) : undefined;
}

/** Records the outcome of a connection test. */
export async function recordConnectionTest(
  db: Queryable,
  id: number,
  error: string | null,
): Promise<void> {
  await db.query(
    `update api_configurations set status = $2, last_error = $3, last_checked_at = now()
     where id = $1`,
    [id, error === null ? "connected" : "error", error],
  );
}

/** Deletes a configuration with its runs; returns false when it did not exist. */
export async function deleteApiConfiguration(db: Queryable, id: number): Promise<boolean> {
  const rows = await db.query("delete from api_configurations where id = $1 returning id", [id]);
  return rows.length > 0;
}
