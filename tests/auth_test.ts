import assert from "node:assert/strict";
import { sign } from "hono/jwt";
import { issueToken } from "../routes/auth.ts";
import { adminEmail, adminPassword, startTestService } from "./support/service.ts";

async function jwtSecretOf(dataDir: string): Promise<string> {
  return JSON.parse(await Deno.readTextFile(`${dataDir}/secrets.json`)).jwtSecret;
}

Deno.test("auth: login returns a token and the user without the hash", async () => {
  const t = await startTestService();
  try {
    const login = await t.api("POST", "/api/auth/login", {
      email: adminEmail,
      password: adminPassword,
    }, {
      token: null,
    });
    assert.equal(login.status, 200);
    assert.equal(login.body.user.email, adminEmail);
    assert.equal(login.body.user.role, "admin");
    assert.equal(login.body.user.passwordHash, undefined);
    const [, payload] = login.body.token.split(".");
    const claims = JSON.parse(atob(payload.replaceAll("-", "+").replaceAll("_", "/")));
    assert.equal(claims.exp - claims.iat, 8 * 60 * 60);
    assert.equal(JSON.parse(atob(login.body.token.split(".")[0])).alg, "HS256");
  } finally {
    await t.close();
  }
});

Deno.test("auth: wrong password and unknown email get the same 401", async () => {
  const t = await startTestService();
  try {
    const wrong = await t.api("POST", "/api/auth/login", { email: adminEmail, password: "nope" }, {
      token: null,
    });
    const unknown = await t.api("POST", "/api/auth/login", {
      email: "who@example.test",
      password: "nope",
    }, {
      token: null,
    });
    assert.equal(wrong.status, 401);
    assert.equal(unknown.status, 401);
    assert.deepEqual(wrong.body, unknown.body);
    assert.equal(wrong.body.error.message, "invalid email or password");
  } finally {
    await t.close();
  }
});

Deno.test("auth: missing, malformed, forged, expired and exp-less tokens get 401", async () => {
  const t = await startTestService();
  try {
    const secret = await jwtSecretOf(t.service.dataDir);
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, string | null, RegExp][] = [
      ["missing", null, /missing bearer token/],
      ["malformed", "not-a-jwt", /invalid token/],
      [
        "wrong secret",
        await issueToken("x".repeat(48), { id: 1, tokenVersion: 0 }),
        /invalid token/,
      ],
      [
        "expired",
        await issueToken(secret, { id: 1, tokenVersion: 0 }, now - 9 * 60 * 60),
        /token expired/,
      ],
      [
        "no exp",
        await sign({ sub: "1", iat: now, ver: 0 }, secret, "HS256"),
        /invalid token claims/,
      ],
      [
        "other algorithm",
        await sign({ sub: "1", iat: now, exp: now + 60, ver: 0 }, secret, "HS512"),
        /invalid token/,
      ],
      ["unknown user", await issueToken(secret, { id: 999, tokenVersion: 0 }), /no longer valid/],
    ];
    for (const [name, token, message] of cases) {
      const response = await t.api("GET", "/api/configs", undefined, { token });
      assert.equal(response.status, 401, name);
      assert.match(response.body.error.message, message, name);
      assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer/, name);
    }
    const good = await t.api("GET", "/api/configs", undefined, {
      token: await issueToken(secret, { id: 1, tokenVersion: 0 }),
    });
    assert.equal(good.status, 200);
  } finally {
    await t.close();
  }
});
