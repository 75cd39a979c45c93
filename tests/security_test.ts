import assert from "node:assert/strict";
import { SignJWT, UnsecuredJWT } from "jose";
import { createSyncRun } from "../db/sync_runs.ts";
import { adminEmail, adminPassword, startTestService } from "./support/service.ts";

async function jwtSecretOf(dataDir: string): Promise<Uint8Array> {
  const { jwtSecret } = JSON.parse(await Deno.readTextFile(`${dataDir}/secrets.json`));
  return new TextEncoder().encode(jwtSecret);
}

Deno.test("security: tokens from an independent JWT library with bad claims get 401", async () => {
  const t = await startTestService();
  try {
    const secret = await jwtSecretOf(t.service.dataDir);
    const now = Math.floor(Date.now() / 1000);
    const claims = { ver: 0 };
    const signed = (alg: string, build: (jwt: SignJWT) => SignJWT) =>
      build(new SignJWT(claims).setProtectedHeader({ alg }).setSubject("1")).sign(secret);
    const cases: [string, string][] = [
      [
        "HS512 with the right secret",
        await signed("HS512", (jwt) => jwt.setIssuedAt(now).setExpirationTime(now + 600)),
      ],
      [
        "HS384 with the right secret",
        await signed("HS384", (jwt) => jwt.setIssuedAt(now).setExpirationTime(now + 600)),
      ],
      ["alg none", new UnsecuredJWT({ ...claims, sub: "1", iat: now, exp: now + 600 }).encode()],
      ["no exp", await signed("HS256", (jwt) => jwt.setIssuedAt(now))],
      [
        "past exp",
        await signed("HS256", (jwt) => jwt.setIssuedAt(now - 7200).setExpirationTime(now - 3600)),
      ],
      [
        "wrong secret",
        await new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).setSubject("1")
          .setIssuedAt(now).setExpirationTime(now + 600).sign(
            new TextEncoder().encode("x".repeat(48)),
          ),
      ],
    ];
    for (const [name, token] of cases) {
      const response = await t.api("GET", "/api/configs", undefined, { token });
      assert.equal(response.status, 401, name);
      assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/, name);
      assert.ok(!JSON.stringify(response.body).includes(token), `${name}: token echoed`);
    }
    const good = await signed("HS256", (jwt) => jwt.setIssuedAt(now).setExpirationTime(now + 600));
    assert.equal((await t.api("GET", "/api/configs", undefined, { token: good })).status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("security: five failed logins lock the email and the address for 15 minutes", async () => {
  const t = await startTestService();
  try {
    for (let i = 0; i < 5; i++) {
      const failed = await t.api("POST", "/api/auth/login", {
        email: "nobody@example.test",
        password: "x",
      }, {
        token: null,
      });
      assert.equal(failed.status, 401);
    }
    const locked = await t.api("POST", "/api/auth/login", {
      email: "nobody@example.test",
      password: "x",
    }, {
      token: null,
    });
    assert.equal(locked.status, 429);
    const retryAfter = Number(locked.headers.get("retry-after"));
    assert.ok(retryAfter > 800, `Retry-After ${retryAfter}`);
    assert.ok(retryAfter <= 900, `Retry-After ${retryAfter}`);
    assert.match(locked.body.error.message, /too many failed logins/);
    // The same client address is locked for every email, the real admin's included.
    const admin = await t.api("POST", "/api/auth/login", {
      email: adminEmail,
      password: adminPassword,
    }, {
      token: null,
    });
    assert.equal(admin.status, 429);
  } finally {
    await t.close();
  }
});

Deno.test("security: headers, body limit and unknown keys", async () => {
  const t = await startTestService();
  try {
    for (const path of ["/login", "/api/configs", "/healthz"]) {
      const response = await fetch(t.origin + path, {
        headers: { authorization: `Bearer ${t.token}` },
      });
      await response.body?.cancel();
      const csp = response.headers.get("content-security-policy") ?? "";
      assert.match(csp, /script-src 'self'/, path);
      assert.doesNotMatch(csp, /unsafe-inline/, path);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.equal(response.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(response.headers.get("referrer-policy"), "same-origin", path);
    }
    const huge = await t.api(
      "POST",
      "/api/configs",
      JSON.stringify({ name: "x".repeat(2 * 1024 * 1024) }),
    );
    assert.equal(huge.status, 413);
    assert.equal(huge.body.error.code, "payload_too_large");
    const unknown = await t.api("POST", "/api/users", {
      email: "a@example.test",
      password: "long-enough-pw",
      role: "viewer",
      isSuperuser: true,
    });
    assert.equal(unknown.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("security: equal passwords encrypt to different ciphertexts", async () => {
  const t = await startTestService();
  try {
    const ids: number[] = [];
    for (const name of ["Tenant A", "Tenant B"]) {
      const created = await t.api("POST", "/api/configs", {
        name,
        usage: "PEMS_PFA_READ",
        url: "https://eam.example.test/axis/restservices/griddata",
        authType: "basic",
        username: "integration",
        password: "same-Secret-42",
        customHeaders: { tenant: "X_DEV" },
      });
      assert.equal(created.status, 201);
      ids.push(created.body.id);
    }
    const rows = await t.service.db.query<{ secret_encrypted: string }>(
      "select secret_encrypted from api_configurations where id = any($1::bigint[]) order by id",
      [ids],
    );
    assert.equal(rows.length, 2);
    assert.notEqual(rows[0].secret_encrypted, rows[1].secret_encrypted);
    for (const row of rows) assert.ok(!row.secret_encrypted.includes("same-Secret-42"));
    const [keyIdA, keyIdB] = rows.map((row) => row.secret_encrypted.split(":")[1]);
    assert.equal(keyIdA, keyIdB, "both name the same key");
  } finally {
    await t.close();
  }
});

Deno.test("security: audit log records starts, cancels and changes for admins", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=100" } });
  try {
    const configId = await t.configId("PEMS PFA Read");
    const started = await t.api("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization: "RIO",
    });
    await t.waitForRun(started.body.syncId);
    // Cancelling a run that already ended changes nothing and is not audited.
    await t.api("POST", `/api/pems/sync/${started.body.syncId}/cancel`);
    const queued = await createSyncRun(t.service.db, {
      id: crypto.randomUUID(),
      apiConfigurationId: configId,
      organization: "BECH",
      entity: "pfa",
      mode: "full",
      startedBy: null,
      batchSize: 1000,
      pageSize: 1000,
    });
    assert.ok("run" in queued);
    const cancelled = await t.api("POST", `/api/pems/sync/${queued.run.id}/cancel`);
    assert.equal(cancelled.body.status, "cancelled");
    await t.api("PATCH", `/api/configs/${configId}`, { password: "new-Secret-77" });
    await t.api("POST", "/api/users", {
      email: "v@example.test",
      password: "viewer-password",
      role: "viewer",
    });
    const page = await t.api("GET", "/api/audit?limit=2");
    assert.equal(page.status, 200);
    assert.equal(page.body.entries.length, 2);
    const rest = await t.api("GET", `/api/audit?before=${page.body.next}`);
    const actions = [...page.body.entries, ...rest.body.entries].map((entry: { action: string }) =>
      entry.action
    );
    assert.deepEqual(actions, ["user.create", "config.update", "sync.cancel", "sync.start"]);
    const text = JSON.stringify([page.body, rest.body]);
    assert.ok(!text.includes("new-Secret-77"), "a credential reached the audit log");
    assert.equal(page.body.entries[1].details.fields.includes("secret"), true);
    assert.equal(page.body.entries[0].userEmail, adminEmail);
  } finally {
    await t.close();
  }
});
