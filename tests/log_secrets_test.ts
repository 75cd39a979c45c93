import assert from "node:assert/strict";
import { toBase64 } from "../lib/passwords.ts";
import { createTestDatabase } from "./support/postgres.ts";
import { startServiceProcess } from "./support/process.ts";
import { adminPassword } from "./support/service.ts";

Deno.test("logs: no credential, key or token reaches the log at debug level", async () => {
  const database = await createTestDatabase();
  const folder = await Deno.makeTempDir({ prefix: "pems-logs-" });
  const logFile = `${folder}/service.log`;
  const secrets = {
    jwtSecret: "jwt-secret-for-log-test-" + "q".repeat(20),
    credentialsKey: toBase64(new Uint8Array(32).fill(9)),
    eamPassword: "Eam-Password-For-Log-Test",
    wrongEamPassword: "Wrong-Eam-Password-Log",
    apiKey: "api-key-for-log-test-123",
    wrongLogin: "wrong-login-password-9",
  };
  const service = await startServiceProcess({
    DATABASE_URL: database.url,
    DATA_DIR: `${folder}/data`,
    JWT_SECRET: secrets.jwtSecret,
    CREDENTIALS_KEY: secrets.credentialsKey,
    PEMS_SIM_ROWS: "RIO=300",
    LOG_LEVEL: "debug",
  }, { logFile });
  const call = async (method: string, path: string, body?: unknown, token = service.token) => {
    const response = await fetch(service.origin + path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  try {
    await call("POST", "/api/auth/login", {
      email: "admin@example.test",
      password: secrets.wrongLogin,
    }, "");
    const simulatorUrl = `${service.origin}/pems-sim/axis/restservices/griddata`;
    const good = await call("POST", "/api/configs", {
      name: "Logged PFA",
      usage: "PEMS_PFA_READ",
      url: simulatorUrl,
      authType: "basic",
      username: "pems",
      password: "pems-demo",
      customHeaders: { tenant: "DEMO_DEV" },
      feeds: [{ entity: "pfa" }],
    });
    assert.equal(good.status, 201);
    const keyed = await call("POST", "/api/configs", {
      name: "Keyed PFA",
      usage: "PEMS_PFA_READ",
      url: simulatorUrl,
      authType: "apiKey",
      apiKey: secrets.apiKey,
      customHeaders: { tenant: "DEMO_DEV" },
      feeds: [{ entity: "pfa" }],
    });
    assert.equal(keyed.status, 201);
    await call("PATCH", `/api/configs/${good.body.id}`, { password: secrets.eamPassword });
    await call("POST", `/api/configs/${keyed.body.id}/test`, {});
    await call("PATCH", `/api/configs/${good.body.id}`, { password: secrets.wrongEamPassword });
    await call("POST", `/api/configs/${good.body.id}/test`, {});
    const failing = await call("POST", "/api/pems/sync", {
      apiConfigId: good.body.id,
      organization: "RIO",
    });
    const keyedRun = await call("POST", "/api/pems/sync", {
      apiConfigId: keyed.body.id,
      organization: "RIO",
    });
    for (const id of [failing.body.syncId, keyedRun.body.syncId]) {
      for (let i = 0; i < 200; i++) {
        const { body } = await call("GET", `/api/pems/sync/${id}`);
        if (["completed", "failed"].includes(body.status)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  } finally {
    await service.stop();
  }
  try {
    const log = await Deno.readTextFile(logFile);
    assert.ok(
      log.includes('"level":"debug"') || log.includes("sync run failed"),
      "the log was written",
    );
    assert.ok(log.includes("sync run failed"), "the failing run was logged");
    const forbidden = {
      ...secrets,
      adminPassword,
      simulatorPassword: "pems-demo",
      token: service.token,
    };
    for (const [name, value] of Object.entries(forbidden)) {
      assert.ok(!log.includes(value), `${name} appears in the log`);
    }
    assert.ok(!/authorization/i.test(log), "an Authorization header appears in the log");
  } finally {
    await database.drop();
    await Deno.remove(folder, { recursive: true });
  }
});
