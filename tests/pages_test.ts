import assert from "node:assert/strict";
import { recordAudit } from "../db/audit_log.ts";
import { createSyncRun } from "../db/sync_runs.ts";
import { appendSyncRunLog, listSyncRunLogs } from "../db/sync_run_logs.ts";
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

/** Creates a user with a role and organizations, logs in and returns the `Cookie` header value. */
async function logInAs(
  t: TestService,
  role: "operator" | "viewer",
  organizations: string[],
): Promise<string> {
  const email = `${role}@example.test`;
  const password = `${role}-password-123`;
  const [user] = await t.service.db.query<{ id: number }>(
    "insert into users (email, password_hash, role) values ($1, $2, $3) returning id",
    [email, await hashPassword(password), role],
  );
  for (const organization of organizations) {
    await t.service.db.query(
      "insert into user_organizations (user_id, organization) values ($1, $2)",
      [user.id, organization],
    );
  }
  const body = new URLSearchParams({ email, password }).toString();
  const login = await send(t, "POST", "/login", { ...formType, origin: t.origin }, body);
  assert.equal(login.response.status, 303, `login of ${email}`);
  return login.response.headers.get("set-cookie")!.split(";")[0];
}

/** Returns the run ids of the history table rows, in page order. */
function historyRunIds(html: string): string[] {
  return [...html.matchAll(/<tr id="run-([0-9a-f-]{36})">/g)].map((match) => match[1]);
}

/** Polls a run's log until it has a line with `message`, which the engine writes after commit. */
async function waitForLogLine(t: TestService, runId: string, message: string) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { lines } = await listSyncRunLogs(t.service.db, runId, { limit: 1000 });
    if (lines.some((line) => line.message === message)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`run ${runId} has no log line "${message}"`);
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
      "/admin/configs/1/history",
      "/admin/configs/1/schedule-dialog",
      `/admin/syncs/${syncId}`,
      `/admin/syncs/${syncId}/quarantine`,
      `/admin/syncs/${syncId}/logs`,
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

Deno.test("pages: history pages newest first with Older link", async () => {
  const t = await startTestService();
  try {
    const cookie = await logIn(t);
    const configId = await t.configId("PEMS PFA Read");
    const otherId = await t.configId("PEMS Asset Master");
    // 30 ended runs, one minute apart: n = 1 is the newest. Every third one failed.
    const runs = await t.service.db.query<{ id: string; n: number }>(
      `insert into sync_runs (id, api_configuration_id, organization, entity, mode, status,
         batch_size, page_size, processed_records, inserted_records, error, created_at,
         started_at, completed_at)
       select gen_random_uuid(), $1, case when n = 2 then 'HOLNG' else 'RIO' end, 'pfa', 'full',
         case when n % 3 = 0 then 'failed' else 'completed' end, 1000, 1000, n * 10, n * 10,
         case when n % 3 = 0 then 'EAM returned HTTP 503 in run ' || n end,
         now() - n * interval '1 minute', now() - n * interval '1 minute',
         now() - n * interval '1 minute' + interval '65 seconds'
       from generate_series(1, 30) as n
       returning id, processed_records / 10 as n`,
      [configId],
    );
    const idOf = new Map(runs.map((run) => [Number(run.n), run.id]));
    const other = await createQueuedRun(t, otherId, "RIO");

    const first = await send(t, "GET", `/admin/configs/${configId}/history`, { cookie });
    assert.equal(first.response.status, 200);
    assert.match(first.text, /<h1>Sync history: PEMS PFA Read<\/h1>/);
    const newest = Array.from({ length: 25 }, (_, i) => idOf.get(i + 1));
    assert.deepEqual(historyRunIds(first.text), newest);
    assert.doesNotMatch(first.text, new RegExp(other.id), "runs of other configurations");
    assert.doesNotMatch(first.text, /Newest runs/);
    const row = new RegExp(`<tr id="run-${idOf.get(3)}">[\\s\\S]*?</tr>`).exec(first.text)![0];
    assert.match(row, new RegExp(`href="/admin/syncs/${idOf.get(3)}"`));
    assert.match(row, /badge-run-failed">Failed</);
    assert.match(row, />30</, "processed");
    assert.match(row, />1:05</, "duration");
    assert.match(row, /EAM returned HTTP 503 in run 3/);
    assert.match(row, /Scheduler or deleted user/);

    const older = /href="(\/admin\/configs\/\d+\/history\?cursor=[\w-]+)" rel="next"/.exec(
      first.text,
    );
    assert.ok(older, "Older runs link");
    const second = await send(t, "GET", older[1], { cookie });
    assert.equal(second.response.status, 200);
    assert.deepEqual(historyRunIds(second.text), [26, 27, 28, 29, 30].map((n) => idOf.get(n)));
    assert.doesNotMatch(second.text, /Older runs/);
    assert.match(second.text, new RegExp(`href="/admin/configs/${configId}/history">Newest runs`));

    const invalid = await send(t, "GET", `/admin/configs/${configId}/history?cursor=nope`, {
      cookie,
    });
    assert.equal(invalid.response.status, 400);
    assert.match(invalid.text, /invalid cursor: follow the Older runs link/);
    const unknown = await send(t, "GET", "/admin/configs/9999/history", { cookie });
    assert.equal(unknown.response.status, 404);
    assert.match(unknown.text, /API configuration 9999 not found/);

    const { text } = await send(t, "GET", "/admin/api-connectivity", { cookie });
    const link = `href="/admin/configs/${configId}/history"`;
    assert.match(rowsByName(text).get("PEMS PFA Read")!, new RegExp(link));

    // A viewer of RIO gets the RIO runs only.
    const viewer = await logInAs(t, "viewer", ["RIO"]);
    const scoped = await send(t, "GET", `/admin/configs/${configId}/history`, {
      cookie: viewer,
    });
    assert.equal(scoped.response.status, 200);
    const seen = historyRunIds(scoped.text);
    assert.equal(seen.length, 25);
    assert.ok(!seen.includes(idOf.get(2)!), "the HOLNG run is hidden");
    assert.equal(seen[0], idOf.get(1));
    assert.equal(seen[1], idOf.get(3));
  } finally {
    await t.close();
  }
});

Deno.test("pages: run page lists quarantined rows and log", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=1200" } });
  try {
    const cookie = await logIn(t);
    const configId = await t.configId("PEMS PFA Read");
    assert.equal((await t.api("PATCH", `/api/configs/${configId}`, { pageSize: 500 })).status, 200);
    // 55 bad rows: more than one page of quarantined rows.
    const badIndexes = Array.from({ length: 55 }, (_, i) => 100 + i * 3);
    t.service.simulator!.setBadCells(badIndexes.map((index) => ({
      grid: "CUPFAG",
      organization: "RIO",
      index,
      alias: "pfs_f_startdate",
      value: `31-FEB-${index}`,
    })));
    const started = await t.api("POST", "/api/pems/sync", {
      apiConfigId: configId,
      organization: "RIO",
      mode: "full",
    });
    assert.equal(started.status, 202);
    const syncId = started.body.syncId;
    const ended = await t.waitForRun(syncId);
    assert.equal(ended.status, "completed");
    assert.equal(ended.errorRecords, 55);
    await waitForLogLine(t, syncId, "run completed");

    const page = await send(t, "GET", `/admin/syncs/${syncId}`, { cookie });
    assert.equal(page.response.status, 200);
    assert.match(page.text, /<h1>Sync run: PEMS PFA Read · RIO<\/h1>/);
    assert.match(page.text, new RegExp(`href="/admin/configs/${configId}/history"`));
    assert.match(page.text, /Completed: 100%/);
    assert.match(page.text, /Quarantined rows \(55\)/);
    assert.match(page.text, /First rows with errors/);
    assert.match(page.text, /row 101: .*31-FEB-100/);
    assert.match(page.text, /admin@example\.test/, "started by");
    assert.doesNotMatch(page.text, /sse-connect/, "an ended run needs no stream");
    assert.doesNotMatch(page.text, /Cancel sync/);

    // The first 50 quarantined rows with their raw cells, then a Show more button.
    const quarantine = /<table class="data-table quarantine">([\s\S]*?)<\/table>/.exec(page.text)!;
    const positions = [...quarantine[1].matchAll(/<th scope="row" [^>]*>([\d,]+)<\/th>/g)]
      .map((match) => Number(match[1].replace(",", "")));
    assert.deepEqual(positions, badIndexes.slice(0, 50).map((index) => index + 1));
    assert.match(quarantine[1], /<details class="raw-cells"><summary>\d+ cells<\/summary>/);
    assert.match(quarantine[1], /<div class="bad-cell"><dt>pfs_f_startdate<\/dt><dd>31-FEB-100</);
    assert.match(quarantine[1], /<code>pfs_f_startdate<\/code>/);
    const more = new RegExp(`hx-get="(/admin/syncs/${syncId}/quarantine\\?after=(\\d+))"`)
      .exec(quarantine[1])!;
    assert.equal(Number(more[2]), badIndexes[49] + 1);
    const rest = await send(t, "GET", more[1], { cookie, "hx-request": "true" });
    assert.equal(rest.response.status, 200);
    const restPositions = [...rest.text.matchAll(/<th scope="row" [^>]*>([\d,]+)<\/th>/g)]
      .map((match) => Number(match[1].replace(",", "")));
    assert.deepEqual(restPositions, badIndexes.slice(50).map((index) => index + 1));
    assert.doesNotMatch(rest.text, /Show more/);

    // Log: start, three pages of 500, 500 and 200 rows, completion.
    const log = /<table class="data-table run-log">([\s\S]*?)<\/table>/.exec(page.text)![1];
    const messages = [...log.matchAll(/<td data-label="Message">([^<]+)<\/td>/g)]
      .map((match) => match[1]);
    assert.deepEqual(messages, [
      "run started",
      "page synced",
      "page synced",
      "page synced",
      "run completed",
    ]);
    assert.match(log, /<dt>totalRecords<\/dt><dd>1200<\/dd>/);
    assert.match(log, /<dt>rows<\/dt><dd>200<\/dd>/);
    assert.match(log, /<dt>errors<\/dt><dd>55<\/dd>/);
    assert.match(log, /<time datetime="[^"]+" data-format="time" title="UTC">\d{2}:\d{2}:\d{2}</);
    assert.doesNotMatch(log, /Show more/);

    // Log paging: 100 lines a page, by line id.
    for (let i = 1; i <= 100; i++) {
      await appendSyncRunLog(t.service.db, syncId, { level: "warn", message: `extra ${i}` });
    }
    const longer = await send(t, "GET", `/admin/syncs/${syncId}`, { cookie });
    const firstLog = /<table class="data-table run-log">([\s\S]*?)<\/table>/.exec(longer.text)![1];
    assert.equal(firstLog.match(/<td data-label="Message">/g)?.length, 100);
    const moreLog = new RegExp(`hx-get="(/admin/syncs/${syncId}/logs\\?after=\\d+)"`)
      .exec(firstLog)!;
    const nextLog = await send(t, "GET", moreLog[1], { cookie, "hx-request": "true" });
    const nextMessages = [...nextLog.text.matchAll(/<td data-label="Message">([^<]+)<\/td>/g)]
      .map((match) => match[1]);
    assert.deepEqual(nextMessages, ["extra 96", "extra 97", "extra 98", "extra 99", "extra 100"]);
    assert.match(nextLog.text, /class="level level-warn">warn</);

    const missing = await send(t, "GET", `/admin/syncs/${crypto.randomUUID()}`, { cookie });
    assert.equal(missing.response.status, 404);
    const badAfter = await send(t, "GET", `/admin/syncs/${syncId}/logs?after=-1`, { cookie });
    assert.equal(badAfter.response.status, 400);
    const elsewhere = await logInAs(t, "viewer", ["HOLNG"]);
    const hidden = await send(t, "GET", `/admin/syncs/${syncId}`, { cookie: elsewhere });
    assert.equal(hidden.response.status, 404, "a run of another organization is hidden");
  } finally {
    await t.close();
  }
});

Deno.test("pages: schedule edit, valid and invalid", async () => {
  const t = await startTestService();
  try {
    const cookie = await logIn(t);
    const configId = await t.configId("PEMS PFA Read");
    const htmx = { cookie, origin: t.origin, "hx-request": "true" };
    const { text } = await send(t, "GET", "/admin/api-connectivity", { cookie });
    const row = rowsByName(text).get("PEMS PFA Read")!;
    assert.match(row, /<code class="schedule-text">manual<\/code>/);
    assert.match(row, new RegExp(`hx-get="/admin/configs/${configId}/schedule-dialog"`));

    const dialog = await send(t, "GET", `/admin/configs/${configId}/schedule-dialog`, htmx);
    assert.equal(dialog.response.status, 200);
    assert.match(dialog.text, /<dialog class="modal" id="schedule-dialog"/);
    assert.match(
      dialog.text,
      /name="schedule" type="text" required maxlength="100" value="manual"/,
    );
    assert.match(dialog.text, new RegExp(`hx-target="#config-row-${configId}"`));

    const save = (body: string) =>
      send(t, "POST", `/admin/configs/${configId}/schedule`, { ...htmx, ...formType }, body);
    const saved = await save("schedule=Daily%4002%3A30&organizations=rio%2C+holng");
    assert.equal(saved.response.status, 200);
    assert.match(saved.text, new RegExp(`^<tr id="config-row-${configId}">`));
    assert.match(saved.text, /<code class="schedule-text">daily@02:30<\/code>/);
    assert.match(saved.text, /RIO, HOLNG/);
    assert.match(saved.text, /Next <time datetime="\d{4}-\d{2}-\d{2}T02:30:00\.000Z"/);
    const config = (await t.api("GET", `/api/configs/${configId}`)).body;
    assert.equal(config.schedule, "daily@02:30");
    assert.deepEqual(config.scheduleOrganizations, ["RIO", "HOLNG"]);

    const invalid = await save("schedule=daily&organizations=");
    assert.equal(invalid.response.status, 400);
    assert.equal(invalid.response.headers.get("hx-retarget"), "#schedule-error");
    assert.equal(invalid.response.headers.get("hx-reswap"), "innerHTML");
    assert.match(invalid.text, /role="alert"/);
    assert.match(invalid.text, /invalid schedule &quot;daily&quot;: give the UTC time/);
    const badCode = await save("schedule=hourly&organizations=RIO%2C+no%21");
    assert.equal(badCode.response.status, 400);
    assert.match(badCode.text, /organization &quot;no!&quot;: expected an EAM organization code/);
    const unchanged = (await t.api("GET", `/api/configs/${configId}`)).body;
    assert.equal(unchanged.schedule, "daily@02:30", "invalid input changes nothing");

    const all = await save("schedule=weekly%40mon+04%3A00&organizations=");
    assert.equal(all.response.status, 200);
    assert.match(all.text, /weekly@mon 04:00/);
    assert.match(all.text, /All organizations/);
    assert.equal((await t.api("GET", `/api/configs/${configId}`)).body.scheduleOrganizations, null);

    const crossSite = await send(t, "POST", `/admin/configs/${configId}/schedule`, {
      ...formType,
      cookie,
      origin: "http://evil.example",
    }, "schedule=manual");
    assert.equal(crossSite.response.status, 403);

    const operator = await logInAs(t, "operator", ["RIO"]);
    const page = await send(t, "GET", "/admin/api-connectivity", { cookie: operator });
    assert.match(page.text, /weekly@mon 04:00/, "operators see the schedule");
    assert.doesNotMatch(page.text, /schedule-dialog/, "but get no Edit button");
    const forbidden = await send(t, "POST", `/admin/configs/${configId}/schedule`, {
      ...formType,
      cookie: operator,
      origin: t.origin,
      "hx-request": "true",
    }, "schedule=manual");
    assert.equal(forbidden.response.status, 403);
    assert.match(forbidden.text, /requires role admin/);
  } finally {
    await t.close();
  }
});

Deno.test("pages: cancel button cancels a run", async () => {
  const t = await startTestService();
  try {
    const cookie = await logIn(t);
    const configId = await t.configId("PEMS PFA Read");
    const htmx = { cookie, origin: t.origin, "hx-request": "true" };

    const queued = await createQueuedRun(t, configId, "RIO");
    const modal = await send(t, "GET", `/admin/syncs/${queued.id}/progress`, htmx);
    assert.match(modal.text, new RegExp(`hx-post="/admin/syncs/${queued.id}/cancel"`));
    assert.match(modal.text, /Cancel sync/);
    assert.match(modal.text, new RegExp(`href="/admin/syncs/${queued.id}">Run details`));

    const viewer = await logInAs(t, "viewer", ["RIO"]);
    const viewerModal = await send(t, "GET", `/admin/syncs/${queued.id}/progress`, {
      cookie: viewer,
      "hx-request": "true",
    });
    assert.equal(viewerModal.response.status, 200);
    assert.doesNotMatch(viewerModal.text, /Cancel sync/, "viewers get no Cancel button");
    const refused = await send(t, "POST", `/admin/syncs/${queued.id}/cancel`, {
      cookie: viewer,
      origin: t.origin,
      "hx-request": "true",
    });
    assert.equal(refused.response.status, 403);
    assert.equal((await t.api("GET", `/api/pems/sync/${queued.id}`)).body.status, "queued");

    // A queued run ends at once.
    const cancelled = await send(t, "POST", `/admin/syncs/${queued.id}/cancel`, htmx);
    assert.equal(cancelled.response.status, 200);
    assert.match(cancelled.text, /Cancel requested: the sync stops after its current batch/);
    assert.equal((await t.api("GET", `/api/pems/sync/${queued.id}`)).body.status, "cancelled");
    const { lines } = await listSyncRunLogs(t.service.db, queued.id, { limit: 10 });
    assert.deepEqual(lines.map((line) => [line.message, line.fields.by ?? null]), [
      ["cancel requested", "admin@example.test"],
      ["run cancelled", null],
    ]);
    const again = await send(t, "POST", `/admin/syncs/${queued.id}/cancel`, htmx);
    assert.match(again.text, /The sync had already ended: cancelled\./);
    const ended = await send(t, "GET", `/admin/syncs/${queued.id}/progress`, htmx);
    assert.match(ended.text, /Cancelled at 0%/);
    assert.match(ended.text, /Sync cancelled after 0\s+records\./);
    assert.doesNotMatch(ended.text, /Cancel sync/);

    // The stream of an ended run sends its outcome at once. Only the modal's stream, not the run
    // page's, reloads the configuration's table row.
    const rowPath = `/admin/configs/${configId}/row`;
    const modalStream = await send(t, "GET", `/admin/syncs/${queued.id}/stream`, { cookie });
    assert.match(
      modalStream.text,
      /event: done\ndata: <p class="alert alert-warning">Sync cancelled/,
    );
    assert.match(modalStream.text, new RegExp(`hx-get="${rowPath}"`));
    const pageStream = await send(t, "GET", `/admin/syncs/${queued.id}/stream?refreshRow=false`, {
      cookie,
    });
    assert.match(pageStream.text, /event: done/);
    assert.doesNotMatch(pageStream.text, new RegExp(rowPath));

    // A running run stops after its current batch, and the modal shows that it is stopping.
    const running = await createQueuedRun(t, configId, "HOLNG");
    await t.service.db.query(
      `update sync_runs set status = 'running', total_records = 1000, processed_records = 400,
         started_at = now() where id = $1`,
      [running.id],
    );
    const requested = await send(t, "POST", `/admin/syncs/${running.id}/cancel`, htmx);
    assert.match(requested.text, /Cancel requested/);
    const stored = (await t.api("GET", `/api/pems/sync/${running.id}`)).body;
    assert.equal(stored.status, "running");
    assert.equal(stored.cancelRequested, true);
    const stopping = await send(t, "GET", `/admin/syncs/${running.id}/progress`, htmx);
    assert.match(stopping.text, /Stopping after the current batch: 40%/);
    assert.match(stopping.text, /class="cancel-requested"/);
    assert.doesNotMatch(stopping.text, /Cancel sync/);
    const runPage = await send(t, "GET", `/admin/syncs/${running.id}`, { cookie });
    assert.match(
      runPage.text,
      new RegExp(`sse-connect="/admin/syncs/${running.id}/stream\\?refreshRow=false"`),
    );
    assert.match(runPage.text, /Cancel requested: the sync stops after its current batch/);
  } finally {
    await t.close();
  }
});

Deno.test("pages: modal shows deleted rows and error samples", async () => {
  const t = await startTestService();
  try {
    const cookie = await logIn(t);
    const configId = await t.configId("PEMS PFA Read");
    const run = await createQueuedRun(t, configId, "RIO");
    await t.service.db.query(
      `update sync_runs set status = 'completed', total_records = 1000, processed_records = 1000,
         inserted_records = 990, error_records = 2, deleted_records = 7, started_at = now(),
         completed_at = now(), error_samples = '["row 4: invalid date", "row 9: no key"]'
       where id = $1`,
      [run.id],
    );
    const modal = await send(t, "GET", `/admin/syncs/${run.id}/progress`, {
      cookie,
      "hx-request": "true",
    });
    assert.match(modal.text, /<dt>Marked deleted<\/dt><dd>7<\/dd>/);
    assert.match(modal.text, /First rows with errors/);
    assert.match(modal.text, /<li>row 4: invalid date<\/li><li>row 9: no key<\/li>/);
    assert.match(modal.text, /2 errors, 7 marked deleted\)/);
  } finally {
    await t.close();
  }
});

/** Headers of an htmx request from the service's own pages. */
function htmxHeaders(t: TestService, cookie: string): Record<string, string> {
  return { cookie, origin: t.origin, "hx-request": "true" };
}

/** Posts a form as htmx does; `fields` may repeat a name, as checkboxes do. */
function postForm(t: TestService, path: string, cookie: string, fields: [string, string][]) {
  const body = new URLSearchParams(fields).toString();
  return send(t, "POST", path, { ...htmxHeaders(t, cookie), ...formType }, body);
}

/** Returns the audit entries of an action, newest first. */
async function auditEntries(t: TestService, action: string) {
  const { body } = await t.api("GET", "/api/audit?limit=500");
  return body.entries.filter((entry: { action: string }) => entry.action === action);
}

/** Returns the emails in the rows of the users table. */
function userEmails(html: string): string[] {
  return [...html.matchAll(/<span class="user-email">([^<]+)<\/span>/g)].map((match) => match[1]);
}

Deno.test("pages: users, audit and config forms are for admins", async () => {
  const t = await startTestService();
  try {
    const configId = await t.configId("PEMS PFA Read");
    const pages = [
      "/admin/users",
      "/admin/users/new",
      "/admin/users/1/edit",
      "/admin/users/1/delete-dialog",
      "/admin/audit",
      "/admin/configs/new",
      `/admin/configs/${configId}/edit`,
      `/admin/configs/${configId}/delete-dialog`,
    ];
    const actions = [
      "/admin/users",
      "/admin/users/1",
      "/admin/users/1/delete",
      "/admin/configs",
      `/admin/configs/${configId}`,
      `/admin/configs/${configId}/delete`,
    ];
    for (const path of pages) {
      const { response } = await send(t, "GET", path);
      assert.equal(response.status, 303, path);
      assert.equal(response.headers.get("location"), "/login", path);
    }
    for (const path of actions) {
      const { response } = await send(t, "POST", path, { origin: t.origin, "hx-request": "true" });
      assert.equal(response.status, 401, path);
      assert.equal(response.headers.get("hx-redirect"), "/login", path);
    }

    const operator = await logInAs(t, "operator", ["RIO"]);
    const viewer = await logInAs(t, "viewer", ["RIO"]);
    for (const cookie of [operator, viewer]) {
      for (const path of pages) {
        const { response, text } = await send(t, "GET", path, { cookie });
        assert.equal(response.status, 403, path);
        assert.match(text, /<h1>Request failed<\/h1>/, path);
        assert.match(text, /requires role admin/, path);
      }
      for (const path of actions) {
        const { response, text } = await postForm(t, path, cookie, [["role", "admin"]]);
        assert.equal(response.status, 403, path);
        assert.equal(response.headers.get("hx-retarget"), "#flash", path);
        assert.match(text, /requires role admin/, path);
      }
      const home = await send(t, "GET", "/admin/api-connectivity", { cookie });
      assert.match(home.text, /href="\/admin\/api-connectivity" aria-current="page"/);
      assert.doesNotMatch(home.text, /href="\/admin\/users"/, "no Users link");
      assert.doesNotMatch(home.text, /href="\/admin\/audit"/, "no Audit log link");
      assert.doesNotMatch(home.text, /Add configuration/);
      assert.doesNotMatch(home.text, /\/edit"/, "no Edit buttons");
      assert.doesNotMatch(home.text, /delete-dialog/, "no Delete buttons");
    }
    const users = await send(t, "GET", "/admin/users", { cookie: operator });
    assert.doesNotMatch(users.text, /viewer@example\.test/, "the 403 page lists no users");

    const admin = await logIn(t);
    const home = await send(t, "GET", "/admin/api-connectivity", { cookie: admin });
    assert.match(home.text, /<a href="\/admin\/users"\s*>Users<\/a>/);
    assert.match(home.text, /<a href="\/admin\/audit"\s*>Audit log<\/a>/);
    assert.match(home.text, /hx-get="\/admin\/configs\/new"/);
    const row = rowsByName(home.text).get("PEMS PFA Read")!;
    assert.match(row, new RegExp(`hx-get="/admin/configs/${configId}/edit"`));
    assert.match(row, new RegExp(`hx-get="/admin/configs/${configId}/delete-dialog"`));
    for (const path of pages) {
      const { response } = await send(t, "GET", path, { cookie: admin });
      assert.equal(response.status, 200, path);
    }
    const usersPage = await send(t, "GET", "/admin/users", { cookie: admin });
    assert.match(usersPage.text, /<a href="\/admin\/users" aria-current="page">Users<\/a>/);
    assert.deepEqual(userEmails(usersPage.text), [
      "admin@example.test",
      "operator@example.test",
      "viewer@example.test",
    ]);
    assert.doesNotMatch(usersPage.text, /\sstyle="/, "no style attributes");
  } finally {
    await t.close();
  }
});

Deno.test("pages: users create, edit and delete", async () => {
  const t = await startTestService();
  try {
    const cookie = await logIn(t);
    const dialog = await send(t, "GET", "/admin/users/new", htmxHeaders(t, cookie));
    assert.match(dialog.text, /<dialog class="modal" id="user-dialog"/);
    assert.match(dialog.text, /hx-post="\/admin\/users" hx-target="#users-table"/);
    const choices = [...dialog.text.matchAll(/name="organizations" value="(\w+)"/g)]
      .map((match) => match[1]);
    assert.deepEqual(choices, ["BECH", "HOLNG", "PORTARTHUR", "RIO"]);

    // Create, with the checks of POST /api/users.
    const password = "first-password-1";
    const fields: [string, string][] = [
      ["email", "Ops@Example.test"],
      ["password", password],
      ["role", "operator"],
      ["organizations", "RIO"],
      ["organizations", "HOLNG"],
    ];
    const created = await postForm(t, "/admin/users", cookie, fields);
    assert.equal(created.response.status, 200, created.text);
    assert.match(created.text, /^<div id="users-table"/);
    assert.deepEqual(userEmails(created.text), ["admin@example.test", "ops@example.test"]);
    assert.match(created.text, /<td data-label="Organizations">HOLNG, RIO<\/td>/);
    assert.match(created.text, /<div id="flash" hx-swap-oob="innerHTML">/);
    assert.match(created.text, /User ops@example\.test created\./);
    assert.doesNotMatch(created.text, new RegExp(password));
    const { body } = await t.api("GET", "/api/users");
    const ops = body.users.find((user: { email: string }) => user.email === "ops@example.test");
    assert.equal(ops.role, "operator");
    assert.deepEqual(ops.organizations, ["HOLNG", "RIO"]);
    const [createEntry] = await auditEntries(t, "user.create");
    assert.equal(createEntry.userEmail, adminEmail);
    assert.equal(createEntry.targetType, "user");
    assert.equal(createEntry.targetId, String(ops.id));
    assert.deepEqual(createEntry.details, {
      email: "ops@example.test",
      role: "operator",
      organizations: ["HOLNG", "RIO"],
    });

    const refusals: [[string, string][], number, RegExp][] = [
      [fields, 409, /a user with email Ops@Example\.test exists/],
      [
        [["email", "x@example.test"], ["password", "short"], ["role", "viewer"]],
        400,
        /password: must be at least 12 characters/,
      ],
      [
        [["email", "not-an-email"], ["password", password], ["role", "viewer"]],
        400,
        /email: expected an email address/,
      ],
      [[["email", "y@example.test"], ["password", password], ["role", "boss"]], 400, /role: /],
      [
        [["email", "z@example.test"], ["password", password], ["role", "viewer"], [
          "organizations",
          "NOPE",
        ]],
        400,
        /organization NOPE not found/,
      ],
    ];
    for (const [form, status, message] of refusals) {
      const refused = await postForm(t, "/admin/users", cookie, form);
      assert.equal(refused.response.status, status, refused.text);
      assert.equal(refused.response.headers.get("hx-retarget"), "#user-form-error");
      assert.equal(refused.response.headers.get("hx-reswap"), "innerHTML");
      assert.match(refused.text, /role="alert"/);
      assert.match(refused.text, message);
    }
    assert.equal((await t.api("GET", "/api/users")).body.users.length, 2, "no user was added");

    // Edit: role, organizations, disabled; the dialog never shows a password.
    const edit = await send(t, "GET", `/admin/users/${ops.id}/edit`, htmxHeaders(t, cookie));
    assert.match(edit.text, /Edit user: ops@example\.test/);
    assert.match(edit.text, /name="organizations" value="HOLNG" checked/);
    assert.match(edit.text, /name="organizations" value="RIO" checked/);
    assert.match(edit.text, /<option value="operator" selected>/);
    assert.match(edit.text, /Leave it empty to keep the current password/);
    const edited = await postForm(t, `/admin/users/${ops.id}`, cookie, [
      ["role", "viewer"],
      ["organizations", "RIO"],
      ["disabled", "true"],
      ["password", ""],
    ]);
    assert.equal(edited.response.status, 200, edited.text);
    assert.match(edited.text, /User ops@example\.test saved\./);
    assert.match(edited.text, /badge-disabled">Disabled</);
    const afterEdit = (await t.api("GET", "/api/users")).body.users
      .find((user: { id: number }) => user.id === ops.id);
    assert.equal(afterEdit.role, "viewer");
    assert.deepEqual(afterEdit.organizations, ["RIO"]);
    assert.equal(afterEdit.disabled, true);
    const [updateEntry] = await auditEntries(t, "user.update");
    assert.deepEqual(updateEntry.details, {
      email: "ops@example.test",
      fields: ["role", "organizations", "disabled"],
      role: "viewer",
      organizations: ["RIO"],
    });

    // A new password, and enabled again: the user logs in with it.
    const newPassword = "second-password-2";
    const reset = await postForm(t, `/admin/users/${ops.id}`, cookie, [
      ["role", "viewer"],
      ["organizations", "RIO"],
      ["password", newPassword],
    ]);
    assert.equal(reset.response.status, 200, reset.text);
    assert.doesNotMatch(reset.text, new RegExp(newPassword));
    const [resetEntry] = await auditEntries(t, "user.update");
    assert.deepEqual(resetEntry.details.fields, ["password", "role", "organizations", "disabled"]);
    const login = await t.api("POST", "/api/auth/login", {
      email: "ops@example.test",
      password: newPassword,
    }, { token: null });
    assert.equal(login.status, 200);
    const short = await postForm(t, `/admin/users/${ops.id}`, cookie, [
      ["role", "viewer"],
      ["password", "short"],
    ]);
    assert.equal(short.response.status, 400);
    assert.match(short.text, /password: must be at least 12 characters/);

    // The last enabled admin stays an enabled admin.
    const adminId = body.users.find((user: { email: string }) => user.email === adminEmail).id;
    const selfEdit = await send(t, "GET", `/admin/users/${adminId}/edit`, htmxHeaders(t, cookie));
    assert.match(selfEdit.text, /This is your own account/);
    for (const change of [[["role", "viewer"]], [["role", "admin"], ["disabled", "true"]]]) {
      const demoted = await postForm(
        t,
        `/admin/users/${adminId}`,
        cookie,
        change as [
          string,
          string,
        ][],
      );
      assert.equal(demoted.response.status, 409);
      assert.equal(demoted.response.headers.get("hx-retarget"), "#user-form-error");
      assert.match(demoted.text, /this is the last enabled admin: make another admin first/);
    }
    const keepAdmin = await postForm(t, `/admin/users/${adminId}/delete`, cookie, []);
    assert.equal(keepAdmin.response.status, 409);
    assert.equal(keepAdmin.response.headers.get("hx-retarget"), "#confirm-error");
    assert.match(keepAdmin.text, /last enabled admin/);
    assert.equal((await auditEntries(t, "user.delete")).length, 0);

    // Delete, after the confirmation dialog.
    const confirm = await send(
      t,
      "GET",
      `/admin/users/${ops.id}/delete-dialog`,
      htmxHeaders(t, cookie),
    );
    assert.match(confirm.text, /<dialog class="modal" id="confirm-dialog" role="alertdialog"/);
    assert.match(confirm.text, /Delete user: ops@example\.test/);
    assert.match(confirm.text, new RegExp(`hx-post="/admin/users/${ops.id}/delete"`));
    assert.match(
      confirm.text,
      new RegExp(`data-return-focus="user-delete-${ops.id} add-user-button"`),
    );
    const deleted = await postForm(t, `/admin/users/${ops.id}/delete`, cookie, []);
    assert.equal(deleted.response.status, 200, deleted.text);
    assert.deepEqual(userEmails(deleted.text), ["admin@example.test"]);
    assert.match(deleted.text, /User ops@example\.test deleted\./);
    const [deleteEntry] = await auditEntries(t, "user.delete");
    assert.equal(deleteEntry.targetId, String(ops.id));
    assert.deepEqual(deleteEntry.details, { email: "ops@example.test" });
    const gone = await postForm(t, `/admin/users/${ops.id}/delete`, cookie, []);
    assert.equal(gone.response.status, 404);
    assert.match(gone.text, new RegExp(`user ${ops.id} not found`));
  } finally {
    await t.close();
  }
});

/** Fields of a valid configuration form; `overrides` replace fields by name. */
function configForm(
  t: TestService,
  overrides: Record<string, string> = {},
  extra: [string, string][] = [],
): [string, string][] {
  const fields: Record<string, string> = {
    name: "RIO PFA",
    usage: "PEMS_PFA_READ",
    url: `${t.origin}/pems-sim/axis/restservices/griddata`,
    operationType: "read",
    organization: "RIO",
    authType: "basic",
    username: "pems",
    secret: "pems-demo",
    tenant: "DEMO_DEV",
    gridName: "CUPFAG",
    gridId: "",
    feeds: '[{"entity": "pfa"}]',
    pageSize: "500",
    timeZone: "America/Chicago",
    incrementalOverlapSeconds: "120",
    ...overrides,
  };
  return [...Object.entries(fields), ...extra];
}

Deno.test("pages: configurations create, edit and delete", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=50" } });
  try {
    const cookie = await logIn(t);
    const htmx = htmxHeaders(t, cookie);
    const seen: string[] = [];
    const get = async (path: string, headers: Record<string, string> = htmx) => {
      const page = await send(t, "GET", path, headers);
      seen.push(page.text);
      return page;
    };
    const post = async (path: string, fields: [string, string][]) => {
      const response = await postForm(t, path, cookie, fields);
      seen.push(response.text);
      return response;
    };

    const dialog = await get("/admin/configs/new");
    assert.match(dialog.text, /<dialog class="modal modal-wide" id="config-dialog"/);
    assert.match(dialog.text, /hx-post="\/admin\/configs" hx-target="#configs-table"/);
    assert.match(dialog.text, /<option value="" selected>Shared by all organizations<\/option>/);
    assert.match(dialog.text, /name="secret" type="password"/);

    // Create: stored credentials, headers of the named fields and of the extra rows.
    const secret = "pems-demo";
    const created = await post(
      "/admin/configs",
      configForm(t, {}, [["headerName", "X-Trace"], ["headerValue", "on"], ["headerName", ""], [
        "headerValue",
        "",
      ]]),
    );
    assert.equal(created.response.status, 200, created.text);
    assert.match(created.text, /^<div id="configs-table"/);
    assert.match(created.text, /Configuration &quot;RIO PFA&quot; created\./);
    assert.ok(rowsByName(created.text).has("RIO PFA"));
    const configId = await t.configId("RIO PFA");
    const config = (await t.api("GET", `/api/configs/${configId}`)).body;
    assert.equal(config.organization, "RIO");
    assert.equal(config.hasCredentials, true);
    assert.deepEqual(config.customHeaders, {
      tenant: "DEMO_DEV",
      gridName: "CUPFAG",
      "X-Trace": "on",
    });
    assert.deepEqual(config.feeds, [{ entity: "pfa" }]);
    assert.equal(config.pageSize, 500);
    assert.equal(config.timeZone, "America/Chicago");
    assert.equal(config.incrementalOverlapSeconds, 120);
    assert.equal(config.allowSchemaDrift, false);
    const [createEntry] = await auditEntries(t, "config.create");
    assert.equal(createEntry.targetId, String(configId));
    assert.equal(createEntry.organization, "RIO");
    assert.equal(createEntry.details.name, "RIO PFA");
    assert.ok(createEntry.details.fields.includes("secret"), createEntry.details.fields);

    // The page's connection test works with the stored credentials and is audited.
    const test = await send(t, "POST", `/admin/configs/${configId}/test`, htmx);
    assert.match(test.text, /Responded in \d+ ms/);
    const [testEntry] = await auditEntries(t, "config.test");
    assert.equal(testEntry.targetId, String(configId));
    assert.deepEqual(testEntry.details, { name: "RIO PFA", ok: true });

    // Refusals, shown in the dialog.
    const refusals: [[string, string][], number, RegExp][] = [
      [configForm(t), 409, /an API configuration named &quot;RIO PFA&quot; already exists/],
      [
        configForm(t, { name: "Other", organization: "NOPE" }),
        400,
        /organization NOPE not found: add it first/,
      ],
      [configForm(t, { name: "Other", feeds: "[{entity: pfa}" }), 400, /feeds: invalid JSON/],
      [
        configForm(t, { name: "Other", feeds: '[{"entity": "orders"}]' }),
        400,
        /feeds, feed 1 entity: /,
      ],
      [configForm(t, { name: "Other", url: "ftp://x" }), 400, /URL: expected an http or https URL/],
      [
        configForm(t, { name: "Other", timeZone: "Mars/Olympus" }),
        400,
        /time zone: expected an IANA/,
      ],
      [configForm(t, { name: "Other", pageSize: "0" }), 400, /page size: /],
      [
        configForm(t, { name: "Other" }, [["headerName", "tenant"], ["headerValue", "X"]]),
        400,
        /custom header &quot;tenant&quot; is set twice/,
      ],
      [
        configForm(t, { name: "Other" }, [["headerName", "bad name"], ["headerValue", "X"]]),
        400,
        /custom header &quot;bad name&quot;: expected a header name/,
      ],
    ];
    for (const [form, status, message] of refusals) {
      const refused = await post("/admin/configs", form);
      assert.equal(refused.response.status, status, refused.text);
      assert.equal(refused.response.headers.get("hx-retarget"), "#config-form-error");
      assert.match(refused.text, message);
    }
    assert.equal((await auditEntries(t, "config.create")).length, 1, "nothing else was created");

    // The edit form shows no stored credential; empty credential fields keep them.
    const [stored] = await t.service.db.query<{ secret: string; username: string }>(
      "select secret_encrypted as secret, username_encrypted as username from api_configurations where id = $1",
      [configId],
    );
    const edit = await get(`/admin/configs/${configId}/edit`);
    assert.match(edit.text, /Edit configuration: RIO PFA/);
    assert.match(
      edit.text,
      /name="secret" type="password" maxlength="500" value="" placeholder="••••"/,
    );
    assert.match(
      edit.text,
      /name="username" type="text" maxlength="200" value="" placeholder="••••"/,
    );
    assert.match(edit.text, /leave a field empty to keep it/);
    assert.match(edit.text, /<option value="RIO" selected>/);
    assert.match(edit.text, /name="headerName" type="text" maxlength="64" value="X-Trace"/);
    assert.match(edit.text, /value="CUPFAG"/);
    assert.match(edit.text, /\[\n {2}\{&quot;entity&quot;:&quot;pfa&quot;\}\n\]<\/textarea>/);
    const edited = await post(
      `/admin/configs/${configId}`,
      configForm(t, {
        name: "RIO PFA renamed",
        username: "",
        secret: "",
        pageSize: "750",
        allowSchemaDrift: "true",
      }, [["headerName", "X-Trace"], ["headerValue", "on"]]),
    );
    assert.equal(edited.response.status, 200, edited.text);
    assert.match(edited.text, /Configuration &quot;RIO PFA renamed&quot; saved\./);
    const [updateEntry] = await auditEntries(t, "config.update");
    assert.deepEqual(updateEntry.details, {
      name: "RIO PFA renamed",
      fields: ["name", "pageSize", "allowSchemaDrift"],
    });
    const [kept] = await t.service.db.query<{ secret: string; username: string }>(
      "select secret_encrypted as secret, username_encrypted as username from api_configurations where id = $1",
      [configId],
    );
    assert.deepEqual(kept, stored, "empty credential fields keep the stored ones");
    const renamed = (await t.api("GET", `/api/configs/${configId}`)).body;
    assert.equal(renamed.pageSize, 750);
    assert.equal(renamed.allowSchemaDrift, true);

    // A shared configuration, an API key in place of the password, and a removed header.
    const rekeyed = await post(
      `/admin/configs/${configId}`,
      configForm(t, {
        name: "RIO PFA renamed",
        organization: "",
        authType: "apiKey",
        username: "",
        secret: "new-api-key-123",
        pageSize: "750",
        allowSchemaDrift: "true",
      }),
    );
    assert.equal(rekeyed.response.status, 200, rekeyed.text);
    const shared = (await t.api("GET", `/api/configs/${configId}`)).body;
    assert.equal(shared.organization, null);
    assert.equal(shared.authType, "apiKey");
    assert.deepEqual(shared.customHeaders, { tenant: "DEMO_DEV", gridName: "CUPFAG" });
    const [rekeyEntry] = await auditEntries(t, "config.update");
    assert.deepEqual(rekeyEntry.details.fields, [
      "authType",
      "customHeaders",
      "organization",
      "secret",
    ]);
    const duplicate = await post(
      `/admin/configs/${configId}`,
      configForm(t, { name: "PEMS PFA Read" }),
    );
    assert.equal(duplicate.response.status, 409);
    assert.match(duplicate.text, /an API configuration named &quot;PEMS PFA Read&quot; already/);

    // Remove the stored credentials.
    const cleared = await post(
      `/admin/configs/${configId}`,
      configForm(t, {
        name: "RIO PFA renamed",
        organization: "",
        authType: "none",
        username: "",
        secret: "",
        clearCredentials: "true",
      }),
    );
    assert.equal(cleared.response.status, 200, cleared.text);
    assert.equal((await t.api("GET", `/api/configs/${configId}`)).body.hasCredentials, false);
    const noCredentials = await get(`/admin/configs/${configId}/edit`);
    assert.doesNotMatch(noCredentials.text, /placeholder="••••"/);
    assert.doesNotMatch(noCredentials.text, /clearCredentials/);

    // Delete: refused while a run is active, then done.
    const run = await createQueuedRun(t, configId, "RIO");
    const confirm = await get(`/admin/configs/${configId}/delete-dialog`);
    assert.match(confirm.text, /Delete configuration: RIO PFA renamed/);
    assert.match(confirm.text, /Rows it synced stay in the database/);
    const refused = await post(`/admin/configs/${configId}/delete`, []);
    assert.equal(refused.response.status, 409);
    assert.equal(refused.response.headers.get("hx-retarget"), "#confirm-error");
    assert.match(refused.text, /cancel the configuration&#39;s active runs first/);
    await t.api("POST", `/api/pems/sync/${run.id}/cancel`);
    const deleted = await post(`/admin/configs/${configId}/delete`, []);
    assert.equal(deleted.response.status, 200, deleted.text);
    assert.match(deleted.text, /Configuration &quot;RIO PFA renamed&quot; deleted\./);
    assert.ok(!rowsByName(deleted.text).has("RIO PFA renamed"));
    assert.equal((await t.api("GET", `/api/configs/${configId}`)).status, 404);
    const [deleteEntry] = await auditEntries(t, "config.delete");
    assert.deepEqual(deleteEntry.details, { name: "RIO PFA renamed" });
    assert.equal(deleteEntry.targetId, String(configId));

    // No page or fragment ever contained a credential, plain or encrypted.
    seen.push((await get("/admin/api-connectivity", { cookie })).text);
    for (const html of seen) {
      for (const value of [secret, "new-api-key-123", stored.secret, stored.username]) {
        assert.ok(!html.includes(value), `a page contains the credential ${value}`);
      }
      assert.doesNotMatch(html, /value="pems"/, "a page contains the stored username");
    }
  } finally {
    await t.close();
  }
});

Deno.test("pages: audit log newest first with Older link", async () => {
  const t = await startTestService();
  try {
    const cookie = await logIn(t);
    const { body } = await t.api("GET", "/api/users");
    const admin = body.users[0];
    for (let i = 1; i <= 60; i++) {
      await recordAudit(t.service.db, {
        user: i % 10 === 0 ? null : admin,
        action: i % 2 === 0 ? "config.update" : "sync.start",
        targetType: i % 2 === 0 ? "api_configuration" : "sync_run",
        targetId: i % 2 === 0 ? i : `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
        organization: i % 2 === 0 ? null : "RIO",
        details: i % 2 === 0 ? { name: `config ${i}`, fields: ["pageSize"] } : {},
      });
    }
    const entryIds = (html: string) =>
      [...html.matchAll(/<tr id="audit-(\d+)">/g)].map((match) => Number(match[1]));

    const first = await send(t, "GET", "/admin/audit", { cookie });
    assert.equal(first.response.status, 200);
    assert.match(first.text, /<h1>Audit log<\/h1>/);
    assert.match(first.text, /<a href="\/admin\/audit" aria-current="page">Audit log<\/a>/);
    const ids = entryIds(first.text);
    assert.equal(ids.length, 50);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), "newest first");
    const newest = new RegExp(`<tr id="audit-${ids[0]}">[\\s\\S]*?</tr>`).exec(first.text)![0];
    assert.match(newest, /<time datetime="[^"]+" data-format="datetime" title="UTC">/);
    assert.match(newest, /<td data-label="User"><span class="muted">System<\/span><\/td>/);
    assert.match(newest, /<code>config\.update<\/code>/);
    assert.match(newest, /api_configuration <span class="target-id">60<\/span>/);
    assert.match(newest, /<td data-label="Organization">—<\/td>/);
    assert.match(
      newest,
      /<code>\{&quot;name&quot;:&quot;config 60&quot;,&quot;fields&quot;:\[&quot;pageSize&quot;\]\}<\/code>/,
    );
    const second = new RegExp(`<tr id="audit-${ids[1]}">[\\s\\S]*?</tr>`).exec(first.text)![0];
    assert.match(second, /<td data-label="User">admin@example\.test<\/td>/);
    assert.match(second, /href="\/admin\/syncs\/00000000-0000-4000-8000-000000000059"/);
    assert.match(second, /<td data-label="Organization">RIO<\/td>/);
    assert.match(second, /<td data-label="Details" class="audit-details">—<\/td>/);
    assert.doesNotMatch(first.text, /Newest entries/);

    const older = /href="(\/admin\/audit\?before=(\d+))" rel="next"/.exec(first.text);
    assert.ok(older, "Older entries link");
    assert.equal(Number(older[2]), ids[49]);
    const next = await send(t, "GET", older[1], { cookie });
    const olderIds = entryIds(next.text);
    assert.equal(olderIds.length, 10);
    assert.ok(olderIds.every((id) => id < ids[49]));
    assert.doesNotMatch(next.text, /Older entries/, "the last page has no Older link");
    assert.match(next.text, /<a href="\/admin\/audit">Newest entries<\/a>/);

    const invalid = await send(t, "GET", "/admin/audit?before=abc", { cookie });
    assert.equal(invalid.response.status, 400);
  } finally {
    await t.close();
  }
});

Deno.test("pages: login page shows 429 after five failures", async () => {
  const t = await startTestService();
  try {
    const attempt = (password: string) =>
      send(
        t,
        "POST",
        "/login",
        { ...formType, origin: t.origin },
        new URLSearchParams({ email: adminEmail, password }).toString(),
      );
    for (let i = 1; i <= 5; i++) {
      const failed = await attempt(`wrong password ${i}`);
      assert.equal(failed.response.status, 401, `attempt ${i}`);
      assert.match(failed.text, /Invalid email or password\./);
    }
    const throttled = await attempt(adminPassword);
    assert.equal(throttled.response.status, 429);
    assert.match(throttled.response.headers.get("content-type") ?? "", /^text\/html/);
    assert.match(throttled.response.headers.get("retry-after") ?? "", /^\d+$/);
    assert.match(
      throttled.text,
      /<p class="alert alert-error" role="alert">Too many failed logins: try again in 15 minutes\.<\/p>/,
    );
    assert.match(throttled.text, new RegExp(`value="${adminEmail}"`));
    assert.equal(throttled.response.headers.get("set-cookie"), null, "even the right password");
  } finally {
    await t.close();
  }
});
