import assert from "node:assert/strict";
import { startTestService, type TestService } from "./support/service.ts";

const operatorPassword = "operator-password-1";
const viewerPassword = "viewer-password-12";

async function loginAs(t: TestService, email: string, password: string): Promise<string> {
  const login = await t.api("POST", "/api/auth/login", { email, password }, { token: null });
  assert.equal(login.status, 200, JSON.stringify(login.body));
  return login.body.token;
}

/** Creates a HOLNG-only configuration with a completed HOLNG run, and an operator and viewer of RIO. */
async function setUpOrganizations(t: TestService) {
  const shared = await t.configId("PEMS PFA Read");
  const holngConfig = await t.api("POST", "/api/configs", {
    name: "HOLNG PFA",
    usage: "PEMS_PFA_READ",
    url: `${t.origin}/pems-sim/axis/restservices/griddata`,
    authType: "basic",
    username: "pems",
    password: "pems-demo",
    customHeaders: { tenant: "DEMO_DEV" },
    feeds: [{ entity: "pfa" }],
    organization: "HOLNG",
  });
  assert.equal(holngConfig.status, 201, JSON.stringify(holngConfig.body));
  const holngRun = await t.api("POST", "/api/pems/sync", {
    apiConfigId: holngConfig.body.id,
    organization: "HOLNG",
  });
  assert.equal(holngRun.status, 202);
  await t.waitForRun(holngRun.body.syncId);
  for (
    const [email, password, role] of [
      ["operator@example.test", operatorPassword, "operator"],
      ["viewer@example.test", viewerPassword, "viewer"],
    ]
  ) {
    const created = await t.api("POST", "/api/users", {
      email,
      password,
      role,
      organizations: ["rio"],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.organizations, ["RIO"]);
  }
  return {
    shared,
    holngConfigId: holngConfig.body.id as number,
    holngRunId: holngRun.body.syncId as string,
    operator: await loginAs(t, "operator@example.test", operatorPassword),
    viewer: await loginAs(t, "viewer@example.test", viewerPassword),
  };
}

Deno.test("access: other organizations' runs, configurations and data answer 404", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=300,HOLNG=200" } });
  try {
    const s = await setUpOrganizations(t);
    const denied: [string, string, unknown?][] = [
      ["GET", `/api/pems/sync/${s.holngRunId}`],
      ["GET", `/api/pems/sync/${s.holngRunId}/events`],
      ["GET", `/api/pems/sync/${s.holngRunId}/quarantine`],
      ["POST", `/api/pems/sync/${s.holngRunId}/cancel`],
      ["GET", `/api/configs/${s.holngConfigId}`],
      ["POST", `/api/configs/${s.holngConfigId}/test`, {}],
      ["POST", "/api/pems/sync", { apiConfigId: s.shared, organization: "HOLNG" }],
      ["POST", "/api/pems/sync", { apiConfigId: s.holngConfigId, organization: "RIO" }],
      ["GET", "/api/data/pfa?org=HOLNG"],
      ["GET", "/api/data/asset_master?org=HOLNG"],
    ];
    for (const [method, path, body] of denied) {
      const response = await t.api(method, path, body, { token: s.operator });
      assert.equal(response.status, 404, `${method} ${path}: ${JSON.stringify(response.body)}`);
      assert.match(response.body.error.message, /not found/, `${method} ${path}`);
    }
    const unknownRun = await t.api("GET", `/api/pems/sync/${crypto.randomUUID()}`, undefined, {
      token: s.operator,
    });
    assert.equal(
      unknownRun.body.error.message.replace(/[0-9a-f-]{36}/, "ID"),
      "sync run ID not found",
    );

    const configs = await t.api("GET", "/api/configs", undefined, { token: s.operator });
    assert.ok(
      !configs.body.configs.some((config: { id: number }) => config.id === s.holngConfigId),
    );
    assert.ok(configs.body.configs.some((config: { id: number }) => config.id === s.shared));
    const organizations = await t.api("GET", "/api/organizations", undefined, {
      token: s.operator,
    });
    assert.deepEqual(organizations.body.organizations.map((org: { code: string }) => org.code), [
      "RIO",
    ]);
    const history = await t.api("GET", "/api/pems/sync", undefined, { token: s.operator });
    assert.equal(history.status, 200);
    assert.equal(history.body.runs.length, 0);
    const holngHistory = await t.api("GET", "/api/pems/sync?org=HOLNG", undefined, {
      token: s.operator,
    });
    assert.equal(holngHistory.body.runs.length, 0);
    const adminHistory = await t.api("GET", "/api/pems/sync?org=HOLNG");
    assert.equal(adminHistory.body.runs.length, 1);

    const own = await t.api("POST", "/api/pems/sync", {
      apiConfigId: s.shared,
      organization: "RIO",
    }, {
      token: s.operator,
    });
    assert.equal(own.status, 202);
    const ownRun = await t.waitForRun(own.body.syncId);
    assert.equal(ownRun.status, "completed");
    const data = await t.api("GET", "/api/data/pfa?org=RIO&limit=5", undefined, {
      token: s.viewer,
    });
    assert.equal(data.status, 200);
    assert.equal(data.body.rows.length, 5);
    assert.ok(data.body.next);
    const seen = await t.api("GET", `/api/pems/sync/${own.body.syncId}`, undefined, {
      token: s.viewer,
    });
    assert.equal(seen.status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("access: roles limit what operators and viewers may change", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=100,HOLNG=100" } });
  try {
    const s = await setUpOrganizations(t);
    const forbidden: [string, string, string, unknown?][] = [
      ["viewer", "POST", "/api/pems/sync", { apiConfigId: s.shared, organization: "RIO" }],
      ["viewer", "POST", `/api/configs/${s.shared}/test`, {}],
      ["operator", "POST", "/api/configs", {
        name: "x",
        usage: "u",
        url: "https://x.test",
        authType: "none",
      }],
      ["operator", "PATCH", `/api/configs/${s.shared}`, { name: "renamed" }],
      ["operator", "DELETE", `/api/configs/${s.shared}`],
      ["operator", "GET", "/api/users"],
      ["operator", "POST", "/api/users", {
        email: "x@example.test",
        password: "long-enough-pw",
        role: "admin",
      }],
      ["operator", "GET", "/api/audit"],
      ["viewer", "POST", "/api/organizations", { code: "NEW", name: "New" }],
    ];
    for (const [who, method, path, body] of forbidden) {
      const token = who === "viewer" ? s.viewer : s.operator;
      const response = await t.api(method, path, body, { token });
      assert.equal(
        response.status,
        403,
        `${who} ${method} ${path}: ${JSON.stringify(response.body)}`,
      );
    }
  } finally {
    await t.close();
  }
});

Deno.test("access: password, role and disabled changes end older tokens; last admin kept", async () => {
  const t = await startTestService();
  try {
    const created = await t.api("POST", "/api/users", {
      email: "ops@example.test",
      password: "first-password-1",
      role: "operator",
      organizations: ["RIO"],
    });
    const id = created.body.id;
    const changes: [string, unknown][] = [
      ["password", { password: "second-password-2" }],
      ["role", { role: "viewer" }],
      ["disabled", { disabled: true }],
    ];
    let password = "first-password-1";
    for (const [name, change] of changes) {
      const token = await loginAs(t, "ops@example.test", password);
      assert.equal((await t.api("GET", "/api/configs", undefined, { token })).status, 200);
      const patched = await t.api("PATCH", `/api/users/${id}`, change);
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      if (name === "password") password = "second-password-2";
      const after = await t.api("GET", "/api/configs", undefined, { token });
      assert.equal(after.status, 401, `${name} change keeps the old token valid`);
      assert.match(after.headers.get("www-authenticate") ?? "", /Bearer/);
    }
    const disabledLogin = await t.api("POST", "/api/auth/login", {
      email: "ops@example.test",
      password,
    }, {
      token: null,
    });
    assert.equal(disabledLogin.status, 401);

    const token = await loginAs(t, "admin@example.test", "correct-horse-battery-staple");
    const users = await t.api("GET", "/api/users", undefined, { token });
    const admin = users.body.users.find((user: { email: string }) =>
      user.email === "admin@example.test"
    );
    const demote = await t.api("PATCH", `/api/users/${admin.id}`, { role: "viewer" }, { token });
    assert.equal(demote.status, 409);
    assert.match(demote.body.error.message, /last enabled admin/);
    const remove = await t.api("DELETE", `/api/users/${admin.id}`, undefined, { token });
    assert.equal(remove.status, 409);

    const deleted = await t.api("DELETE", `/api/users/${id}`, undefined, { token });
    assert.equal(deleted.status, 204);
    assert.equal(
      (await t.api("PATCH", `/api/users/${id}`, { role: "admin" }, { token })).status,
      404,
    );
  } finally {
    await t.close();
  }
});
