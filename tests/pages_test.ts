import assert from "node:assert/strict";
import { createSyncRun } from "../db/sync_runs.ts";
import { hashPassword } from "../lib/passwords.ts";
import { issueToken } from "../routes/auth.ts";
import {
  adminEmail,
  adminPassword,
  startTestService,
  type TestService,
} from "./support/service.ts";

const formType = { "content-type": "application/x-www-form-urlencoded" };
const evilOrigin = "http://evil.example";

async function jwtSecretOf(dataDir: string): Promise<string> {
  return JSON.parse(await Deno.readTextFile(`${dataDir}/secrets.json`)).jwtSecret;
}

/** Sends a request without following redirects and returns the response with its text. */
async function send(
  t: TestService,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ response: Response; text: string }> {
  const response = await fetch(t.origin + path, { method, headers, body, redirect: "manual" });
  return { response, text: await response.text() };
}

/** Logs in through the login form and returns the `Cookie` header value. */
async function logIn(t: TestService): Promise<string> {
  const body = new URLSearchParams({ email: adminEmail, password: adminPassword }).toString();
  const { response } = await send(t, "POST", "/login", { ...formType, origin: t.origin }, body);
  assert.equal(response.status, 303);
  const setCookie = response.headers.get("set-cookie");
  assert.ok(setCookie, "login set no cookie");
  return setCookie.split(";")[0];
}

/** Returns the HTML of each `<tr>` of the connectivity table by configuration name. */
function rowsByName(html: string): Map<string, string> {
  const rows = new Map<string, string>();
  for (const match of html.matchAll(/<tr id="config-row-\d+">([\s\S]*?)<\/tr>/g)) {
    const name = /<span class="config-name">([^<]+)<\/span>/.exec(match[1]);
    if (name) rows.set(name[1], match[0]);
  }
  return rows;
}

async function createQueuedRun(t: TestService, configId: number, organization: string) {
  // A queued run that no worker picks up, so the active state does not depend on timing.
  const created = await createSyncRun(t.service.db, {
    id: crypto.randomUUID(),
    apiConfigurationId: configId,
    organization,
    entity: "pfa",
    mode: "full",
    startedBy: null,
    batchSize: 1000,
    pageSize: 1000,
  });
  assert.ok("run" in created);
  return created.run;
}

Deno.test("pages: logged-out users go to /login", async () => {
  const t = await startTestService();
  try {
    const syncId = crypto.randomUUID();
    const pages = [
      "/",
      "/admin/api-connectivity",
      "/admin/session",
      "/admin/configs/1/row",
      "/admin/configs/1/sync-dialog",
      `/admin/syncs/${syncId}/progress`,
      `/admin/syncs/${syncId}/stream`,
    ];
    for (const path of pages) {
      const { response } = await send(t, "GET", path);
      assert.equal(response.status, 303, path);
      assert.equal(response.headers.get("location"), "/login", path);
    }

    for (const path of pages.slice(1)) {
      const { response } = await send(t, "GET", path, { "hx-request": "true" });
      assert.equal(response.status, 401, path);
      assert.equal(response.headers.get("hx-redirect"), "/login", path);
    }

    const test = await send(t, "POST", "/admin/configs/1/test", {
      "hx-request": "true",
      origin: t.origin,
    });
    assert.equal(test.response.status, 401);
    assert.equal(test.response.headers.get("hx-redirect"), "/login");

    const login = await send(t, "GET", "/login");
    assert.equal(login.response.status, 200);
    assert.match(login.text, /<form method="post" action="\/login"/);
    assert.match(login.text, /<label for="login-email">Email<\/label>/);
    assert.match(login.text, /<label for="login-password">Password<\/label>/);
  } finally {
    await t.close();
  }
});

Deno.test("pages: expired cookie redirects with a message", async () => {
  const t = await startTestService();
  try {
    const secret = await jwtSecretOf(t.service.dataDir);
    const nineHoursAgo = Math.floor(Date.now() / 1000) - 9 * 60 * 60;
    const expired = await issueToken(secret, { id: 1, tokenVersion: 0 }, nineHoursAgo);
    const cookie = `pems_session=${expired}`;

    const page = await send(t, "GET", "/admin/api-connectivity", { cookie });
    assert.equal(page.response.status, 303);
    assert.equal(page.response.headers.get("location"), "/login?reason=expired");
    assert.match(page.response.headers.get("set-cookie") ?? "", /pems_session=;.*Max-Age=0/);

    const partial = await send(t, "GET", "/admin/configs/1/row", {
      cookie,
      "hx-request": "true",
    });
    assert.equal(partial.response.status, 401);
    assert.equal(partial.response.headers.get("hx-redirect"), "/login?reason=expired");

    const forged = await send(t, "GET", "/admin/api-connectivity", {
      cookie: "pems_session=not.a.token",
    });
    assert.equal(forged.response.headers.get("location"), "/login?reason=expired");

    const api = await send(t, "GET", "/api/configs", { cookie });
    assert.equal(api.response.status, 401);
    assert.match(api.text, /token expired/);

    const login = await send(t, "GET", "/login?reason=expired");
    assert.match(login.text, /Your session has expired\. Log in again\./);
  } finally {
    await t.close();
  }
});

Deno.test("pages: login sets a strict HttpOnly cookie", async () => {
  const t = await startTestService();
  try {
    const body = new URLSearchParams({ email: adminEmail, password: adminPassword }).toString();
    const login = await send(t, "POST", "/login", { ...formType, origin: t.origin }, body);
    assert.equal(login.response.status, 303);
    assert.equal(login.response.headers.get("location"), "/admin/api-connectivity");
    const cookie = login.response.headers.get("set-cookie") ?? "";
    assert.match(cookie, /^pems_session=[\w-]+\.[\w-]+\.[\w-]+;/);
    assert.match(cookie, /; HttpOnly/);
    assert.match(cookie, /; SameSite=Strict/);
    assert.match(cookie, /; Path=\//);
    assert.match(cookie, /; Max-Age=28800/);
    assert.doesNotMatch(cookie, /Secure/, "plain http must not get a Secure cookie");

    const https = await send(t, "POST", "/login", {
      ...formType,
      origin: t.origin,
      "x-forwarded-proto": "https",
    }, body);
    assert.match(https.response.headers.get("set-cookie") ?? "", /; Secure/);

    const wrong = await send(
      t,
      "POST",
      "/login",
      { ...formType, origin: t.origin },
      new URLSearchParams({ email: adminEmail, password: "wrong password" }).toString(),
    );
    assert.equal(wrong.response.status, 401);
    assert.equal(wrong.response.headers.get("set-cookie"), null);
    assert.match(wrong.text, /Invalid email or password\./);
    assert.match(wrong.text, new RegExp(`value="${adminEmail}"`));

    const session = cookie.split(";")[0];
    const page = await send(t, "GET", "/admin/api-connectivity", { cookie: session });
    assert.equal(page.response.status, 200);
    assert.match(page.text, /<h1>API connectivity<\/h1>/);

    const home = await send(t, "GET", "/", { cookie: session });
    assert.equal(home.response.headers.get("location"), "/admin/api-connectivity");
    const api = await send(t, "GET", "/api/configs", { cookie: session });
    assert.equal(api.response.status, 200);
    const bearer = await send(t, "GET", "/api/configs", { authorization: `Bearer ${t.token}` });
    assert.equal(bearer.response.status, 200);
  } finally {
    await t.close();
  }
});

Deno.test("pages: logout clears the cookie", async () => {
  const t = await startTestService();
  try {
    const cookie = await logIn(t);
    const crossSite = await send(t, "POST", "/logout", { cookie, origin: evilOrigin });
    assert.equal(crossSite.response.status, 403);
    assert.equal(crossSite.response.headers.get("set-cookie"), null);

    const logout = await send(t, "POST", "/logout", { cookie, origin: t.origin });
    assert.equal(logout.response.status, 303);
    assert.equal(logout.response.headers.get("location"), "/login?reason=logged_out");
    const cleared = logout.response.headers.get("set-cookie") ?? "";
    assert.match(cleared, /^pems_session=;/);
    assert.match(cleared, /Max-Age=0/);
    assert.match(cleared, /Path=\//);

    const login = await send(t, "GET", "/login?reason=logged_out");
    assert.match(login.text, /You have logged out\./);
  } finally {
    await t.close();
  }
});

Deno.test("pages: cross-origin cookie POSTs are rejected", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=50" } });
  try {
    const cookie = await logIn(t);
    const configId = await t.configId("PEMS PFA Read");

    const test = await send(t, "POST", `/admin/configs/${configId}/test`, {
      cookie,
      origin: evilOrigin,
    });
    assert.equal(test.response.status, 403);
    assert.match(test.text, /cross-origin request rejected/);
    const untouched = await t.api("GET", `/api/configs/${configId}`);
    assert.equal(untouched.body.lastCheckedAt, null, "the rejected test must not run");

    const startBody = JSON.stringify({ apiConfigId: configId, organization: "RIO" });
    const json = { "content-type": "application/json" };
    const crossSite: Record<string, string>[] = [
      { origin: evilOrigin },
      { "sec-fetch-site": "cross-site" },
      {},
    ];
    for (const headers of crossSite) {
      const api = await send(
        t,
        "POST",
        "/api/pems/sync",
        { ...json, cookie, ...headers },
        startBody,
      );
      assert.equal(api.response.status, 403, JSON.stringify(headers));
      assert.match(api.text, /"code":"forbidden"/);
    }
    const runs = await t.service.db.query("select id from sync_runs");
    assert.equal(runs.length, 0, "no rejected request may start a run");

    const loginBody = new URLSearchParams({ email: adminEmail, password: adminPassword });
    const login = await send(t, "POST", "/login", {
      ...formType,
      origin: evilOrigin,
    }, loginBody.toString());
    assert.equal(login.response.status, 403);
    assert.equal(login.response.headers.get("set-cookie"), null);

    const bearer = await send(t, "POST", "/api/pems/sync", {
      ...json,
      authorization: `Bearer ${t.token}`,
      origin: evilOrigin,
    }, startBody);
    assert.equal(bearer.response.status, 202, "bearer requests need no CSRF check");
    await t.waitForRun(JSON.parse(bearer.text).syncId);

    const sameOrigin = await send(t, "POST", `/admin/configs/${configId}/test`, {
      cookie,
      origin: t.origin,
      "hx-request": "true",
    });
    assert.equal(sameOrigin.response.status, 200);
    assert.match(sameOrigin.text, /Responded in \d+ ms/);
    assert.match(sameOrigin.text, /badge-connected/);
  } finally {
    await t.close();
  }
});

Deno.test("pages: Sync Data button only for pull feeds", async () => {
  const t = await startTestService();
  try {
    const cookie = await logIn(t);
    const { text } = await send(t, "GET", "/admin/api-connectivity", { cookie });
    const rows = rowsByName(text);
    assert.deepEqual([...rows.keys()].sort(), [
      "PEMS Asset Master",
      "PEMS Classifications",
      "PEMS PFA Read",
      "PEMS PFA Write",
    ]);
    for (const name of ["PEMS Asset Master", "PEMS Classifications", "PEMS PFA Read"]) {
      assert.match(rows.get(name)!, /Sync Data/, name);
      assert.match(rows.get(name)!, /class="button button-sync"/, name);
      assert.match(rows.get(name)!, /<svg class="icon"/, name);
    }
    assert.doesNotMatch(rows.get("PEMS PFA Write")!, /Sync Data/);
    assert.match(rows.get("PEMS PFA Write")!, /Test connection/);

    const writeId = await t.configId("PEMS PFA Write");
    const dialog = await send(t, "GET", `/admin/configs/${writeId}/sync-dialog`, {
      cookie,
      "hx-request": "true",
    });
    assert.equal(dialog.response.status, 400);
    assert.match(dialog.text, /has no pull feed/);
  } finally {
    await t.close();
  }
});

Deno.test("pages: never-synced row and static assets", async () => {
  const t = await startTestService();
  try {
    const cookie = await logIn(t);
    const { text } = await send(t, "GET", "/admin/api-connectivity", { cookie });
    const row = rowsByName(text).get("PEMS Classifications")!;
    assert.equal(row.match(/>Never</g)?.length, 2, "First Sync and Last Sync show Never");
    assert.equal(row.match(/>—</g)?.length, 2, "Last Pull and Total Records show a dash");

    const scripts = [...text.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
    assert.equal(scripts.length, 3);
    for (const attributes of scripts) assert.match(attributes, /src="\/static\/[\w.]+\?v=/);
    assert.doesNotMatch(text, /\son[a-z]+="/, "no inline event handlers");

    const src = /src="(\/static\/app\.js\?v=\w+)"/.exec(text)![1];
    const asset = await send(t, "GET", src);
    assert.equal(asset.response.status, 200);
    assert.equal(
      asset.response.headers.get("cache-control"),
      "public, max-age=31536000, immutable",
    );
    assert.match(asset.response.headers.get("content-type") ?? "", /^text\/javascript/);
    const htmx = await send(t, "GET", "/static/htmx.min.js");
    assert.match(htmx.text, /version:"2\.0\.11"/);
    const missing = await send(t, "GET", "/static/secrets.json");
    assert.equal(missing.response.status, 404);
  } finally {
    await t.close();
  }
});

Deno.test("pages: active run shows in row and dialog", async () => {
  const t = await startTestService();
  try {
    const cookie = await logIn(t);
    const configId = await t.configId("PEMS PFA Read");
    const run = await createQueuedRun(t, configId, "RIO");

    const { text } = await send(t, "GET", "/admin/api-connectivity", { cookie });
    const row = rowsByName(text).get("PEMS PFA Read")!;
    assert.match(row, /Sync in progress · RIO/);
    assert.match(row, new RegExp(`hx-get="/admin/syncs/${run.id}/progress"`));

    const dialog = await send(t, "GET", `/admin/configs/${configId}/sync-dialog`, {
      cookie,
      "hx-request": "true",
    });
    assert.equal(dialog.response.status, 200);
    assert.match(dialog.text, /A sync of PEMS PFA Read for RIO is already\s+queued\./);
    assert.match(dialog.text, /Watch the RIO sync/);

    const started = await send(
      t,
      "POST",
      `/admin/configs/${configId}/syncs`,
      { ...formType, cookie, origin: t.origin, "hx-request": "true" },
      "organization=RIO&mode=full",
    );
    assert.equal(started.response.status, 409);
    assert.match(started.text, /is already running, so no new one was started/);
    assert.match(started.text, new RegExp(`/admin/syncs/${run.id}/progress`));
    assert.match(started.text, /<dialog/);

    const invalid = await send(
      t,
      "POST",
      `/admin/configs/${configId}/syncs`,
      { ...formType, cookie, origin: t.origin, "hx-request": "true" },
      "organization=RIO&mode=sometimes",
    );
    assert.equal(invalid.response.status, 400);
    assert.match(invalid.text, /choose full or incremental/);

    const progress = await send(t, "GET", `/admin/syncs/${run.id}/progress`, {
      cookie,
      "hx-request": "true",
    });
    assert.equal(progress.response.status, 200);
    assert.match(progress.text, new RegExp(`sse-connect="/admin/syncs/${run.id}/stream"`));
    assert.match(progress.text, /sse-close="done"/);

    const events = await fetch(`${t.origin}/api/pems/sync/${run.id}/events`, {
      headers: { cookie },
    });
    assert.equal(events.status, 200, "the JSON stream accepts the session cookie");
    assert.match(events.headers.get("content-type") ?? "", /^text\/event-stream/);
    await events.body?.cancel();
  } finally {
    await t.close();
  }
});

Deno.test("pages: viewers see no action buttons", async () => {
  const t = await startTestService();
  try {
    const password = "viewer-password-123";
    await t.service.db.query(
      "insert into users (email, password_hash, role) values ($1, $2, 'viewer')",
      ["viewer@example.test", await hashPassword(password)],
    );
    const body = new URLSearchParams({ email: "viewer@example.test", password }).toString();
    const login = await send(t, "POST", "/login", { ...formType, origin: t.origin }, body);
    assert.equal(login.response.status, 303);
    const cookie = login.response.headers.get("set-cookie")!.split(";")[0];

    const { text } = await send(t, "GET", "/admin/api-connectivity", { cookie });
    assert.match(text, /PEMS PFA Read/);
    assert.doesNotMatch(text, /Sync Data/);
    assert.doesNotMatch(text, /Test connection/);

    const configId = await t.configId("PEMS PFA Read");
    const test = await send(t, "POST", `/admin/configs/${configId}/test`, {
      cookie,
      origin: t.origin,
      "hx-request": "true",
    });
    assert.equal(test.response.status, 403);
    assert.equal(test.response.headers.get("hx-retarget"), "#flash");
    assert.match(test.text, /role="alert"/);
    assert.match(test.text, /requires role admin or operator/);

    const row = await send(t, "GET", `/admin/configs/${configId}/row`, {
      cookie,
      "hx-request": "true",
    });
    assert.equal(row.response.status, 200, "viewers may still refresh rows");
  } finally {
    await t.close();
  }
});
