/**
 * Response shapes of the REST API for the OpenAPI document, and the login body, whose schema
 * routes/auth.ts keeps private.
 *
 * @module
 */

import { z } from "zod";

const dateTime = z.string().meta({ format: "date-time" });
const count = z.number().int().nonnegative();
const statuses = ["queued", "running", "completed", "failed", "cancelled"] as const;

/** The same rules as loginSchema in routes/auth.ts. */
export const loginRequest = z.strictObject({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1000),
});

const user = z.strictObject({
  id: z.number().int(),
  email: z.string(),
  role: z.enum(["admin", "operator", "viewer"]),
  disabled: z.boolean(),
  tokenVersion: z.number().int(),
  organizations: z.array(z.string()),
});

const apiConfiguration = z.strictObject({
  id: z.number().int(),
  name: z.string(),
  usage: z.string(),
  url: z.string(),
  authType: z.enum(["none", "basic", "apiKey"]),
  hasCredentials: z.boolean(),
  customHeaders: z.record(z.string(), z.string()),
  organization: z.string().nullable().describe("owning organization; null when shared"),
  operationType: z.enum(["read", "write", "read-write"]),
  feeds: z.unknown().describe("the feeds as stored; null when none are set"),
  pageSize: z.number().int(),
  timeZone: z.string(),
  allowSchemaDrift: z.boolean(),
  incrementalOverlapSeconds: z.number().int(),
  gridFields: z.record(z.string(), z.unknown()),
  schedule: z.string(),
  scheduleOrganizations: z.array(z.string()).nullable(),
  lastScheduledAt: dateTime.nullable(),
  status: z.enum(["untested", "connected", "error"]),
  lastCheckedAt: dateTime.nullable(),
  lastError: z.string().nullable(),
  firstSyncAt: dateTime.nullable(),
  lastSyncAt: dateTime.nullable(),
  lastSyncRecordCount: z.number().int().nullable(),
  totalSyncRecordCount: z.number().int().nullable(),
  createdAt: dateTime,
  updatedAt: dateTime,
});

const syncProgress = z.strictObject({
  syncId: z.uuid(),
  apiConfigId: z.number().int(),
  organization: z.string(),
  entity: z.enum(["pfa", "asset_master", "classifications"]),
  mode: z.enum(["full", "incremental"]),
  status: z.enum(statuses),
  totalRecords: count.nullable(),
  processedRecords: count,
  insertedRecords: count,
  updatedRecords: count,
  unchangedRecords: count,
  errorRecords: count,
  deletedRecords: count,
  errorSamples: z.array(z.string()),
  cancelRequested: z.boolean(),
  watermark: dateTime.nullable(),
  currentBatch: count,
  totalBatches: count.nullable(),
  percent: z.number().int().min(0).max(100),
  startedAt: dateTime.nullable(),
  completedAt: dateTime.nullable(),
  durationMs: z.number().nullable(),
  notice: z.string().nullable(),
  error: z.string().nullable(),
});

/** Response bodies, by the component name the document gives them. */
export const responseSchemas = {
  Error: z.strictObject({
    error: z.strictObject({ code: z.string(), message: z.string(), details: z.unknown() }),
  }),
  LoginResponse: z.strictObject({ token: z.string(), user }),
  ApiConfiguration: apiConfiguration,
  ApiConfigurationList: z.strictObject({ configs: z.array(apiConfiguration) }),
  ConnectionTestResult: z.strictObject({
    ok: z.boolean(),
    latencyMs: count,
    error: z.string().nullable(),
  }),
  Organization: z.strictObject({ code: z.string(), name: z.string() }),
  OrganizationList: z.strictObject({
    organizations: z.array(z.strictObject({ code: z.string(), name: z.string() })),
  }),
  SyncStarted: z.strictObject({ syncId: z.uuid(), status: z.enum(statuses) }),
  SyncProgress: syncProgress,
  SyncHistoryPage: z.strictObject({
    runs: z.array(syncProgress.extend({ startedBy: z.string().nullable() })),
    next: z.string().nullable().describe("cursor of the next older page; null on the last page"),
  }),
  QuarantinePage: z.strictObject({
    rows: z.array(z.strictObject({
      rowPosition: z.number().int(),
      recordKey: z.string().nullable(),
      field: z.string().nullable(),
      reason: z.string(),
      raw: z.record(z.string(), z.string()),
      createdAt: dateTime,
    })),
    next: z.number().int().nullable(),
  }),
  User: user,
  UserList: z.strictObject({ users: z.array(user) }),
  AuditPage: z.strictObject({
    entries: z.array(z.strictObject({
      id: z.number().int(),
      at: dateTime,
      userId: z.number().int().nullable(),
      userEmail: z.string().nullable(),
      action: z.string(),
      targetType: z.string(),
      targetId: z.string().nullable(),
      organization: z.string().nullable(),
      details: z.record(z.string(), z.unknown()),
    })),
    next: z.number().int().nullable().describe("pass as `before` for the next older page"),
  }),
  RecordPage: z.strictObject({
    rows: z.array(z.record(z.string(), z.unknown())),
    next: z.string().nullable().describe("pass as `after` for the next page"),
  }),
  Health: z.object({ status: z.enum(["ok", "unavailable"]) }).catchall(z.string()),
  Readiness: z.strictObject({
    status: z.enum(["ready", "migrations_pending", "database_unreachable", "shutting_down"]),
  }),
};
