import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { createApp } from "../routes/app.ts";
import { heldQueue } from "./support/engine.ts";
import {
  adminEmail,
  adminPassword,
  startTestService,
  type TestService,
} from "./support/service.ts";

const methods = ["get", "post", "put", "patch", "delete"];

// Ajv's default dialect is draft-07; the keywords zod emits here mean the same in 2020-12.
// Formats (uri, uuid, date-time) are not checked.
function compiler(document: any) {
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  return (name: string) => ajv.compile(document.components.schemas[name]);
}

/** Lists the API routes the app serves, as "METHOD /path/{param}". */
function servedRoutes(t: TestService): Set<string> {
  const app = createApp({
    db: t.service.db,
    kv: t.service.kv,
    queue: heldQueue(),
    cipher: undefined as never,
    jwtSecret: "x".repeat(32),
    syncBatchSize: 100,
    shutdown: new AbortController().signal,
  });
  const served = new Set<string>();
  for (const route of app.routes) {
    const method = route.method.toLowerCase();
    if (!methods.includes(method) || route.path.includes("*")) continue;
    const isApi = route.path.startsWith("/api/") ||
      ["/healthz", "/readyz", "/metrics"].includes(route.path);
    if (!isApi) continue;
    served.add(`${route.method} ${route.path.replace(/:(\w+)/g, "{$1}")}`);
  }
  return served;
}

function documentedRoutes(document: any): Set<string> {
  const documented = new Set<string>();
  for (const [path, item] of Object.entries<any>(document.paths)) {
    for (const method of methods) {
      if (item[method]) documented.add(`${method.toUpperCase()} ${path}`);
    }
  }
  return documented;
}

Deno.test("openapi: document lists every route the app serves", async () => {
  const t = await startTestService();
  try {
    const response = await t.api("GET", "/api/openapi.json", undefined, { token: null });
    assert.equal(response.status, 200, "served without a token");
    const document = response.body;
    assert.equal(document.openapi, "3.1.0");
    assert.ok(document.info.title);

    const served = servedRoutes(t);
    const documented = documentedRoutes(document);
    assert.ok(served.has("GET /api/pems/sync"), "the history route is mounted");
    assert.deepEqual([...served].filter((route) => !documented.has(route)), [], "undocumented");
    assert.deepEqual([...documented].filter((route) => !served.has(route)), [], "not served");

    for (const [path, item] of Object.entries<any>(document.paths)) {
      for (const method of methods) {
        if (!item[method]) continue;
        assert.ok(item[method].summary, `${method} ${path} has a summary`);
        assert.ok(item[method].responses, `${method} ${path} has responses`);
      }
    }
  } finally {
    await t.close();
  }
});

Deno.test("openapi: request schemas accept and reject what the routes do", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=20" } });
  try {
    const document = (await t.api("GET", "/api/openapi.json")).body;
    const schema = compiler(document);
    const configId = await t.configId("PEMS PFA Read");
    const cases: { name: string; method: string; path: string; body: unknown; ok: boolean }[] = [
      {
        name: "LoginRequest",
        method: "POST",
        path: "/api/auth/login",
        body: { email: "a" },
        ok: false,
      },
      {
        name: "LoginRequest",
        method: "POST",
        path: "/api/auth/login",
        body: { email: adminEmail, password: adminPassword },
        ok: true,
      },
      {
        name: "SyncStartRequest",
        method: "POST",
        path: "/api/pems/sync",
        body: { apiConfigId: String(configId), organization: "RIO" },
        ok: false,
      },
      {
        name: "SyncStartRequest",
        method: "POST",
        path: "/api/pems/sync",
        body: { apiConfigId: configId, organization: "RIO", mode: "fast" },
        ok: false,
      },
      {
        name: "SyncStartRequest",
        method: "POST",
        path: "/api/pems/sync",
        body: { apiConfigId: configId, organization: "RIO", extra: 1 },
        ok: false,
      },
      {
        name: "SyncStartRequest",
        method: "POST",
        path: "/api/pems/sync",
        body: { apiConfigId: configId, organization: "RIO", mode: "full" },
        ok: true,
      },
      {
        name: "ApiConfigurationCreate",
        method: "POST",
        path: "/api/configs",
        body: { name: "x" },
        ok: false,
      },
      {
        name: "ApiConfigurationCreate",
        method: "POST",
        path: "/api/configs",
        body: {
          name: "Spare",
          usage: "SPARE",
          url: "http://127.0.0.1:9/griddata",
          authType: "none",
          feeds: [{ entity: "pfa" }],
          schedule: "hourly",
        },
        ok: true,
      },
      {
        name: "ApiConfigurationUpdate",
        method: "PATCH",
        path: `/api/configs/${configId}`,
        body: { pageSize: 0 },
        ok: false,
      },
      {
        name: "ApiConfigurationUpdate",
        method: "PATCH",
        path: `/api/configs/${configId}`,
        body: { feeds: [{ entity: "pfx" }] },
        ok: false,
      },
      {
        name: "ApiConfigurationUpdate",
        method: "PATCH",
        path: `/api/configs/${configId}`,
        body: { schedule: 5 },
        ok: false,
      },
      {
        name: "ApiConfigurationUpdate",
        method: "PATCH",
        path: `/api/configs/${configId}`,
        body: { pageSize: 500, scheduleOrganizations: ["RIO"] },
        ok: true,
      },
      {
        name: "OrganizationCreate",
        method: "POST",
        path: "/api/organizations",
        body: { code: "NEW" },
        ok: false,
      },
      {
        name: "OrganizationCreate",
        method: "POST",
        path: "/api/organizations",
        body: { code: "NEW", name: "New site" },
        ok: true,
      },
    ];
    for (const { name, method, path, body, ok } of cases) {
      const label = `${name} ${JSON.stringify(body)}`;
      assert.equal(schema(name)(body), ok, `document: ${label}`);
      const response = await t.api(method, path, body);
      if (ok) assert.ok(response.status < 300, `route: ${label}: ${JSON.stringify(response.body)}`);
      else assert.equal(response.status, 400, `route: ${label}`);
    }
  } finally {
    await t.close();
  }
});

Deno.test("openapi: query parameters match the history route", async () => {
  const t = await startTestService();
  try {
    const document = (await t.api("GET", "/api/openapi.json")).body;
    const ajv = new Ajv({ strict: false, validateFormats: false });
    const parameters: any[] = document.paths["/api/pems/sync"].get.parameters;
    assert.deepEqual(parameters.map((parameter) => parameter.name).sort(), [
      "config",
      "cursor",
      "limit",
      "org",
      "status",
    ]);
    const limit = ajv.compile(parameters.find((parameter) => parameter.name === "limit").schema);
    const status = ajv.compile(parameters.find((parameter) => parameter.name === "status").schema);
    for (const [value, ok] of [[0, false], [201, false], [50, true]] as const) {
      assert.equal(limit(value), ok, `limit ${value}`);
      assert.equal((await t.api("GET", `/api/pems/sync?limit=${value}`)).status, ok ? 200 : 400);
    }
    assert.equal(status("done"), false);
    assert.equal(status("failed"), true);
  } finally {
    await t.close();
  }
});

Deno.test("openapi: responses match their schemas", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=30" } });
  try {
    const document = (await t.api("GET", "/api/openapi.json")).body;
    const schema = compiler(document);
    const check = (name: string, body: unknown) => {
      const validate = schema(name);
      assert.ok(validate(body), `${name}: ${JSON.stringify(validate.errors)}`);
    };
    const configId = await t.configId("PEMS PFA Read");
    const started = await t.api("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization: "RIO",
    });
    check("SyncStarted", started.body);
    await t.waitForRun(started.body.syncId);

    check("SyncProgress", (await t.api("GET", `/api/pems/sync/${started.body.syncId}`)).body);
    check("SyncHistoryPage", (await t.api("GET", "/api/pems/sync")).body);
    check("ApiConfigurationList", (await t.api("GET", "/api/configs")).body);
    check("ApiConfiguration", (await t.api("GET", `/api/configs/${configId}`)).body);
    check("OrganizationList", (await t.api("GET", "/api/organizations")).body);
    check(
      "QuarantinePage",
      (await t.api("GET", `/api/pems/sync/${started.body.syncId}/quarantine`)).body,
    );
    check("Error", (await t.api("GET", "/api/configs/999")).body);
    check("Health", (await t.api("GET", "/healthz")).body);
    check("Readiness", (await t.api("GET", "/readyz")).body);
    check(
      "LoginResponse",
      (await t.api("POST", "/api/auth/login", { email: adminEmail, password: adminPassword })).body,
    );
    check(
      "SyncProgress",
      (await t.api("POST", `/api/pems/sync/${started.body.syncId}/cancel`)).body,
    );
  } finally {
    await t.close();
  }
});
