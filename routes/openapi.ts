/**
 * GET /api/openapi.json: an OpenAPI 3.1 document of the REST API. Request bodies and query
 * parameters are converted from the zod schemas the routes validate with, so the document follows
 * the validation. The login body is the exception, because routes/auth.ts keeps its schema
 * private. Response shapes are declared in routes/openapi_schemas.ts.
 *
 * @module
 */

import { Hono } from "hono";
import { z } from "zod";
import { createSchema, testSchema, updateSchema } from "./configs.ts";
import type { AppEnv } from "./context.ts";
import { organizationSchema } from "./organizations.ts";
import { startSchema } from "./sync.ts";
import { pageSchema } from "./sync_control.ts";
import { loginRequest, responseSchemas } from "./openapi_schemas.ts";
import { historyQuerySchema } from "./sync_history.ts";
import { auditQuerySchema } from "./audit.ts";
import { dataQuerySchema } from "./data.ts";
import { createUserSchema, updateUserSchema } from "./users.ts";

type JsonSchema = Record<string, unknown>;

const requestSchemas = {
  LoginRequest: loginRequest,
  ApiConfigurationCreate: createSchema,
  ApiConfigurationUpdate: updateSchema,
  ConnectionTestRequest: testSchema,
  OrganizationCreate: organizationSchema,
  SyncStartRequest: startSchema,
  UserCreate: createUserSchema,
  UserUpdate: updateUserSchema,
};

/** Converts a zod schema; `$schema` is left out because OpenAPI 3.1 implies JSON Schema 2020-12. */
function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" });
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { "application/json": { schema: ref(name) } } });
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((status) => [status, { $ref: `#/components/responses/${status}` }]),
  );

function queryParameters(schema: z.ZodObject): JsonSchema[] {
  const converted = toJsonSchema(schema, "input") as {
    properties: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(converted.properties).map(([name, property]) => ({
    name,
    in: "query",
    required: converted.required?.includes(name) ?? false,
    schema: property,
  }));
}

const idParameter = {
  name: "id",
  in: "path",
  required: true,
  schema: { type: "integer", minimum: 1 },
};
const syncIdParameter = {
  name: "syncId",
  in: "path",
  required: true,
  schema: { type: "string", format: "uuid" },
};
const open = { security: [] };

function paths(): JsonSchema {
  return {
    "/api/auth/login": {
      post: {
        summary: "Log in; the token is valid for 8 hours",
        ...open,
        requestBody: { required: true, ...json("LoginRequest") },
        responses: {
          200: { description: "token and user", ...json("LoginResponse") },
          ...errors(400, 401),
        },
      },
    },
    "/api/configs": {
      get: {
        summary: "List API configurations with sync statistics, never credentials",
        responses: {
          200: { description: "configurations", ...json("ApiConfigurationList") },
          ...errors(401),
        },
      },
      post: {
        summary: "Create an API configuration (admin)",
        requestBody: { required: true, ...json("ApiConfigurationCreate") },
        responses: {
          201: { description: "created", ...json("ApiConfiguration") },
          ...errors(400, 401, 403),
        },
      },
    },
    "/api/configs/{id}": {
      parameters: [idParameter],
      get: {
        summary: "Read one API configuration",
        responses: {
          200: { description: "configuration", ...json("ApiConfiguration") },
          ...errors(400, 401, 404),
        },
      },
      patch: {
        summary: "Change fields of an API configuration (admin); credentials are write-only",
        requestBody: { required: true, ...json("ApiConfigurationUpdate") },
        responses: {
          200: { description: "changed", ...json("ApiConfiguration") },
          ...errors(400, 401, 403, 404, 409),
        },
      },
      delete: {
        summary:
          "Delete an API configuration and its run history (admin); 409 while a run is active",
        responses: { 204: { description: "deleted" }, ...errors(401, 403, 404, 409) },
      },
    },
    "/api/configs/{id}/test": {
      parameters: [idParameter],
      post: {
        summary: "Send one EAM request and record the connection status (admin, operator)",
        requestBody: { required: true, ...json("ConnectionTestRequest") },
        responses: {
          200: { description: "outcome", ...json("ConnectionTestResult") },
          ...errors(400, 401, 403, 404),
        },
      },
    },
    "/api/organizations": {
      get: {
        summary: "List EAM organizations",
        responses: {
          200: { description: "organizations", ...json("OrganizationList") },
          ...errors(401),
        },
      },
      post: {
        summary: "Add an organization (admin); an existing code keeps its name",
        requestBody: { required: true, ...json("OrganizationCreate") },
        responses: {
          201: { description: "added", ...json("Organization") },
          ...errors(400, 401, 403),
        },
      },
    },
    "/api/pems/sync": {
      get: {
        summary: "Sync history, newest first, with keyset pagination",
        parameters: queryParameters(historyQuerySchema),
        responses: {
          200: { description: "one page of runs", ...json("SyncHistoryPage") },
          ...errors(400, 401),
        },
      },
      post: {
        summary: "Start a sync run (admin, operator); 409 names the active run in details.syncId",
        requestBody: { required: true, ...json("SyncStartRequest") },
        responses: {
          202: {
            description: "queued; the Location header points to the run",
            headers: { Location: { schema: { type: "string" } } },
            ...json("SyncStarted"),
          },
          ...errors(400, 401, 403, 404, 409),
        },
      },
    },
    "/api/pems/sync/{syncId}": {
      parameters: [syncIdParameter],
      get: {
        summary: "Progress of one run: counts, batch N of M, percent, timings, error",
        responses: {
          200: { description: "progress", ...json("SyncProgress") },
          ...errors(400, 401, 404),
        },
      },
    },
    "/api/pems/sync/{syncId}/events": {
      parameters: [syncIdParameter],
      get: {
        summary:
          "Progress as Server-Sent Events: `progress` events, then `done`; heartbeat every 15 s",
        responses: {
          200: {
            description: "each event's data is a SyncProgress in JSON",
            content: { "text/event-stream": { schema: { type: "string" } } },
          },
          ...errors(400, 401, 404),
        },
      },
    },
    "/api/pems/sync/{syncId}/cancel": {
      parameters: [syncIdParameter],
      post: {
        summary:
          "Cancel a run after its current batch (admin, operator); a queued run ends at once",
        responses: {
          202: { description: "progress after the request", ...json("SyncProgress") },
          ...errors(400, 401, 403, 404),
        },
      },
    },
    "/api/pems/sync/{syncId}/quarantine": {
      parameters: [syncIdParameter],
      get: {
        summary: "Rows of a run that did not parse, by row position",
        parameters: queryParameters(pageSchema),
        responses: {
          200: { description: "one page of rows", ...json("QuarantinePage") },
          ...errors(400, 401, 404),
        },
      },
    },
    "/api/users": {
      get: {
        summary: "List users with their roles and organizations (admin)",
        responses: { 200: { description: "users", ...json("UserList") }, ...errors(401, 403) },
      },
      post: {
        summary: "Create a user (admin)",
        requestBody: { required: true, ...json("UserCreate") },
        responses: {
          201: { description: "created", ...json("User") },
          ...errors(400, 401, 403, 409),
        },
      },
    },
    "/api/users/{id}": {
      parameters: [idParameter],
      patch: {
        summary: "Change a user (admin); a new password, role or disabled state ends old tokens",
        requestBody: { required: true, ...json("UserUpdate") },
        responses: {
          200: { description: "changed", ...json("User") },
          ...errors(400, 401, 403, 404, 409),
        },
      },
      delete: {
        summary: "Delete a user (admin); the last enabled admin cannot be deleted",
        responses: { 204: { description: "deleted" }, ...errors(401, 403, 404, 409) },
      },
    },
    "/api/audit": {
      get: {
        summary: "Audit log: who started, cancelled or changed what, newest first (admin)",
        parameters: queryParameters(auditQuerySchema),
        responses: {
          200: { description: "one page of entries", ...json("AuditPage") },
          ...errors(400, 401, 403),
        },
      },
    },
    "/api/data/{entity}": {
      parameters: [{
        name: "entity",
        in: "path",
        required: true,
        schema: { type: "string", enum: ["pfa", "asset_master", "classifications"] },
      }],
      get: {
        summary: "Synced rows of one organization by key; 404 for an organization not yours",
        parameters: queryParameters(dataQuerySchema),
        responses: {
          200: { description: "one page of rows", ...json("RecordPage") },
          ...errors(400, 401, 404),
        },
      },
    },
    "/api/openapi.json": {
      get: {
        summary: "This document",
        ...open,
        responses: {
          200: { description: "OpenAPI 3.1 document", content: { "application/json": {} } },
        },
      },
    },
    "/healthz": {
      get: {
        summary: "200 when the database and KV answer, else 503",
        ...open,
        responses: {
          200: { description: "healthy", ...json("Health") },
          503: { description: "a store does not answer", ...json("Health") },
        },
      },
    },
    "/readyz": {
      get: {
        summary: "200 once migrations are applied; 503 before that and during shutdown",
        ...open,
        responses: {
          200: { description: "ready", ...json("Readiness") },
          503: { description: "not ready", ...json("Readiness") },
        },
      },
    },
    "/metrics": {
      get: {
        summary: "Prometheus metrics: runs by status, rows by outcome, EAM latency and retries",
        ...open,
        responses: {
          200: {
            description: "text exposition format 0.0.4",
            content: { "text/plain": { schema: { type: "string" } } },
          },
        },
      },
    },
  };
}

const errorDescriptions: Record<number, string> = {
  400: "invalid request; details lists each invalid field",
  401: "missing, invalid or expired token",
  403: "the user's role may not do this",
  404: "not found",
  409: "conflict: an active run, a duplicate name or email, or the last admin",
};

let cached: JsonSchema | undefined;

/** Builds the OpenAPI 3.1 document of the REST API (once; it does not change at run time). */
export function openApiDocument(): JsonSchema {
  cached ??= {
    openapi: "3.1.0",
    info: {
      title: "pems-sync",
      version: "0.1.0",
      description: "Copies PFA records, asset master data and classifications from HxGN EAM " +
        'into PostgreSQL. Errors are JSON: {"error": {"code", "message", "details"}}.',
    },
    security: [{ bearer: [] }],
    paths: paths(),
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } },
      responses: Object.fromEntries(
        Object.entries(errorDescriptions).map(([status, description]) => [
          status,
          { description, ...json("Error") },
        ]),
      ),
      schemas: {
        ...Object.fromEntries(
          Object.entries(requestSchemas).map((
            [name, schema],
          ) => [name, toJsonSchema(schema, "input")]),
        ),
        ...Object.fromEntries(
          Object.entries(responseSchemas).map((
            [name, schema],
          ) => [name, toJsonSchema(schema, "output")]),
        ),
      },
    },
  };
  return cached;
}

/** GET /openapi.json, mounted under /api without authentication. */
export function openApiRoutes() {
  return new Hono<AppEnv>().get("/openapi.json", (c) => c.json(openApiDocument()));
}
