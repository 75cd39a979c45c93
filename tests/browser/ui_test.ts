/// <reference lib="dom" />
import assert from "node:assert/strict";
import { type Browser, chromium, type Page } from "playwright-core";
import { createSyncRun, failSyncRun } from "../../db/sync_runs.ts";
import { issueToken } from "../../routes/auth.ts";
import { publishProgress } from "../../sync/progress.ts";
import { nextScheduledTime, parseSchedule } from "../../sync/schedule.ts";
import { formatCount, formatDate, formatDateTime } from "../../views/format.ts";
import {
  adminEmail,
  adminPassword,
  startTestService,
  type TestService,
} from "../support/service.ts";

const chromiumPath = "/usr/bin/chromium";
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];
// A zone far from UTC, so the test checks that static/app.js reformats times in the browser.
const browserTimeZone = "America/Chicago";
const screenshotDir = new URL("../../docs/screenshots/", import.meta.url);

function rowOf(page: Page, name: string) {
  return page.locator("tbody tr").filter({ has: page.locator(`.config-name:text-is("${name}")`) });
}

/** Returns the text of each cell of a row by its column title. */
async function cellsOf(page: Page, name: string): Promise<Record<string, string>> {
  return await rowOf(page, name).evaluate((row) => {
    const cells: Record<string, string> = {};
    for (const cell of row.querySelectorAll("th, td")) {
      cells[cell.getAttribute("data-label") ?? ""] = (cell.textContent ?? "").trim();
    }
    return cells;
  });
}

async function screenshot(page: Page, name: string) {
  await page.screenshot({ path: new URL(name, screenshotDir).pathname });
}

async function logIn(page: Page, origin: string, email = adminEmail, password = adminPassword) {
  await page.goto(`${origin}/admin/api-connectivity`);
  assert.equal(new URL(page.url()).pathname, "/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL(`${origin}/admin/api-connectivity`);
}

async function checkSyncedRow(page: Page, t: TestService, name: string) {
  const config = (await t.api("GET", `/api/configs/${await t.configId(name)}`)).body;
  const cells = await cellsOf(page, name);
  assert.match(cells["First Sync"], /^[A-Z][a-z]{2} \d{2}, \d{4}$/);
  assert.equal(cells["First Sync"], formatDate(config.firstSyncAt, browserTimeZone));
  assert.match(cells["Last Sync"], /^[A-Z][a-z]{2} \d{2}, \d{4} \d{2}:\d{2}$/);
  assert.equal(cells["Last Sync"], formatDateTime(config.lastSyncAt, browserTimeZone));
  assert.equal(cells["Last Pull"], formatCount(config.lastSyncRecordCount));
  assert.equal(cells["Total Records"], formatCount(config.totalSyncRecordCount));
  return cells;
}

/**
 * Waits until the element with `id` has the focus. A dialog's close event, on which static/app.js
 * moves the focus back, comes in a task after `close()` removed the `open` attribute.
 */
async function waitForFocus(page: Page, id: string) {
  try {
    await page.waitForFunction((id) => document.activeElement?.id === id, id, { timeout: 5_000 });
  } catch {
    const focused = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 80));
    assert.fail(`focus did not return to #${id}; focused: ${focused}`);
  }
}

/** Records each text of the progress status line, so that no quick change is missed. */
async function recordProgressTexts(page: Page) {
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressTexts: string[] }).progressTexts = seen;
    const record = () => {
      const status = document.querySelector(".progress-status")?.textContent?.trim() ?? "";
      const batch = document.querySelector(".batch")?.textContent?.trim() ?? "";
      const text = `${batch} | ${status}`;
      if (seen.at(-1) !== text) seen.push(text);
    };
    record();
    new MutationObserver(record).observe(document.getElementById("modal-root")!, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  });
}

Deno.test("admin UI: columns, sync with live progress, session expiry", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=6000", SYNC_BATCH_SIZE: "250" } });
  let browser: Browser | undefined;
  try {
    const pfaId = await t.configId("PEMS PFA Read");
    // 6,000 rows in pages of 250 are 24 pages of one batch each, so progress moves many times.
    assert.equal((await t.api("PATCH", `/api/configs/${pfaId}`, { pageSize: 250 })).status, 200);
    const assetId = await t.configId("PEMS Asset Master");
    const assetRun = await t.api("POST", "/api/pems/sync", {
      apiConfigId: assetId,
      organization: "RIO",
      mode: "full",
    });
    assert.equal(assetRun.status, 202);
    assert.equal((await t.waitForRun(assetRun.body.syncId)).status, "completed");

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: chromiumArgs,
      headless: true,
    });
    const context = await browser.newContext({
      timezoneId: browserTimeZone,
      viewport: { width: 1440, height: 900 },
    });
    const page = await context.newPage();
    const streamRequests: string[] = [];
    page.on("request", (request) => {
      if (request.url().endsWith("/stream")) streamRequests.push(request.url());
    });
    await logIn(page, t.origin);

    // Columns of a synced and a never-synced configuration.
    await checkSyncedRow(page, t, "PEMS Asset Master");
    const never = await cellsOf(page, "PEMS Classifications");
    assert.equal(never["First Sync"], "Never");
    assert.equal(never["Last Sync"], "Never");
    assert.equal(never["Last Pull"], "—");
    assert.equal(never["Total Records"], "—");
    const total = rowOf(page, "PEMS Asset Master").locator("td.total-records");
    const totalStyle = await total.evaluate((cell) => {
      const style = getComputedStyle(cell);
      return { weight: Number(style.fontWeight), color: style.color };
    });
    assert.ok(totalStyle.weight >= 700, `Total Records weight ${totalStyle.weight}`);
    assert.equal(totalStyle.color, "rgb(29, 78, 216)");

    // Sync Data buttons only for configurations with a pull feed.
    for (const name of ["PEMS PFA Read", "PEMS Asset Master", "PEMS Classifications"]) {
      assert.equal(await rowOf(page, name).getByRole("button", { name: /Sync data/i }).count(), 1);
    }
    const writeRow = rowOf(page, "PEMS PFA Write");
    assert.equal(await writeRow.getByRole("button", { name: /Sync data/i }).count(), 0);

    // Test connection swaps the row and shows the latency, or the error of a failed test.
    await rowOf(page, "PEMS PFA Read").getByRole("button", { name: /Test connection/ }).click();
    const latency = rowOf(page, "PEMS PFA Read").locator(".test-ok");
    await latency.waitFor();
    assert.match(await latency.innerText(), /^Responded in \d+ ms$/);
    assert.match(await rowOf(page, "PEMS PFA Read").locator(".badge").innerText(), /Connected/);
    // A wrong password makes the simulator reject the test.
    const writeId = await t.configId("PEMS PFA Write");
    const patched = await t.api("PATCH", `/api/configs/${writeId}`, { password: "wrong-password" });
    assert.equal(patched.status, 200);
    await writeRow.getByRole("button", { name: /Test connection/ }).click();
    await writeRow.locator(".test-error").waitFor();
    assert.match(await writeRow.locator(".badge").innerText(), /Error/);
    await screenshot(page, "table.png");

    // The dialog names the configuration and offers organizations and modes.
    const syncButton = rowOf(page, "PEMS PFA Read").getByRole("button", { name: /Sync data/i });
    await syncButton.click();
    const dialog = page.locator("dialog#sync-dialog[open]");
    await dialog.waitFor();
    assert.match(await dialog.locator("h2").innerText(), /PEMS PFA Read/);
    await dialog.getByLabel("Organization").selectOption("RIO");
    await dialog.getByRole("radio", { name: /Full/ }).check();
    await screenshot(page, "dialog.png");

    // Start, and watch the modal advance over SSE.
    await dialog.getByRole("button", { name: "Start sync" }).click();
    const modal = page.locator("dialog#progress-dialog[open]");
    await modal.waitFor();
    await recordProgressTexts(page);
    await page.waitForFunction(
      () => {
        const match = /Processing: (\d+)%/.exec(
          document.querySelector(".progress-status")?.textContent ?? "",
        );
        return match !== null && Number(match[1]) >= 20 && Number(match[1]) <= 80;
      },
      undefined,
      { timeout: 60_000 },
    );
    await screenshot(page, "progress.png");
    await modal.locator(".alert-success").waitFor({ timeout: 60_000 });

    const texts = await page.evaluate(() =>
      (window as unknown as { progressTexts: string[] }).progressTexts
    );
    const midRun = texts.filter((text) => /Batch \d+\/24 \| Processing: (\d|[1-9]\d)%/.test(text));
    assert.ok(midRun.length >= 2, `expected two progress updates before the end, saw ${texts}`);
    assert.match(texts.at(-1)!, /Batch 24\/24 \| Completed: 100%/);
    const outcome = await modal.locator(".outcome").innerText();
    assert.match(outcome, /Sync completed in \d+:\d{2}: 6,000 records processed/);
    assert.match(outcome, /6,000 inserted, 0 updated, 0 unchanged, 0 errors/);
    assert.equal(await modal.locator(".progress-status").getAttribute("aria-live"), "polite");

    // The row refreshes itself with the new statistics.
    await page.waitForFunction(
      (id) =>
        document.querySelector(`#config-row-${id} .total-records`)?.textContent?.trim() === "6,000",
      pfaId,
    );
    const synced = await checkSyncedRow(page, t, "PEMS PFA Read");
    assert.equal(synced["Last Pull"], "6,000");
    assert.equal(synced["Total Records"], "6,000");

    // The stream closed on `done`: no reconnect within two seconds.
    await page.waitForTimeout(2_000);
    assert.equal(streamRequests.length, 1, `stream requests: ${streamRequests}`);
    await modal.getByRole("button", { name: "Close" }).click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
    assert.equal(await page.locator("dialog[open]").count(), 0);
    await waitForFocus(page, `sync-button-${pfaId}`);

    // After a reload, an active run shows in its row, and its progress can be reopened.
    const queued = await createSyncRun(t.service.db, {
      id: crypto.randomUUID(),
      apiConfigurationId: pfaId,
      organization: "HOLNG",
      entity: "pfa",
      mode: "full",
      startedBy: null,
      batchSize: 250,
      pageSize: 250,
    });
    assert.ok("run" in queued);
    await page.reload();
    const pfaRow = rowOf(page, "PEMS PFA Read");
    assert.match(await pfaRow.innerText(), /Sync in progress · HOLNG/);
    await pfaRow.getByRole("button", { name: /View progress of the HOLNG sync/ }).click();
    await modal.waitFor();
    assert.match(
      await modal.locator(".progress-status").innerText(),
      /Waiting for the sync worker/,
    );

    // A failed run shows the server's error in the open modal.
    const failed = await failSyncRun(t.service.db, queued.run.id, "EAM returned 503 twice");
    await publishProgress(t.service.kv, failed!);
    await modal.locator(".alert-error").waitFor();
    assert.match(await modal.locator(".alert-error").innerText(), /Sync failed: EAM returned 503/);
    await modal.getByRole("button", { name: "Close" }).click();

    // An expired cookie sends the next htmx request to the login page.
    const secret = JSON.parse(await Deno.readTextFile(`${t.service.dataDir}/secrets.json`))
      .jwtSecret;
    const nineHoursAgo = Math.floor(Date.now() / 1000) - 9 * 60 * 60;
    const expired = await issueToken(secret, { id: 1, tokenVersion: 0 }, nineHoursAgo);
    await context.addCookies([{
      name: "pems_session",
      value: expired,
      url: t.origin,
      httpOnly: true,
      sameSite: "Strict",
    }]);
    await rowOf(page, "PEMS Classifications").getByRole("button", { name: /Test connection/ })
      .click();
    await page.waitForURL(`${t.origin}/login?reason=expired`);
    assert.match(await page.locator(".alert-info").innerText(), /Your session has expired/);

    await context.close();
  } finally {
    await browser?.close();
    await t.close();
  }
});

Deno.test("admin UI: cancel, history, run page, schedule edit", async () => {
  const t = await startTestService({
    env: { PEMS_SIM_ROWS: "RIO=6000,HOLNG=500", SYNC_BATCH_SIZE: "250" },
  });
  let browser: Browser | undefined;
  try {
    const pfaId = await t.configId("PEMS PFA Read");
    assert.equal((await t.api("PATCH", `/api/configs/${pfaId}`, { pageSize: 250 })).status, 200);
    const simulator = t.service.simulator!;
    // Three bad rows early in RIO, so the cancelled run has quarantined rows to show.
    simulator.setBadCells([5, 30, 120].map((index) => ({
      grid: "CUPFAG",
      organization: "RIO",
      index,
      alias: "pfs_f_startdate",
      value: "31-FEB-2025",
    })));
    const holng = await t.api("POST", "/api/pems/sync", {
      apiConfigId: pfaId,
      organization: "HOLNG",
      mode: "full",
    });
    assert.equal((await t.waitForRun(holng.body.syncId)).status, "completed");
    // Slow RIO pages, so that the run is still going when Cancel is pressed.
    simulator.setFaults([{ kind: "latency", ms: 200, match: { organization: "RIO" } }]);

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: chromiumArgs,
      headless: true,
    });
    const context = await browser.newContext({
      timezoneId: browserTimeZone,
      viewport: { width: 1440, height: 900 },
    });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      // The browser reports each 4xx response, such as the 400 of the invalid schedule.
      if (message.type() !== "error" || message.text().startsWith("Failed to load resource")) {
        return;
      }
      consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    page.on("response", (response) => {
      if (response.status() === 404) consoleErrors.push(`404 ${response.url()}`);
    });
    await logIn(page, t.origin);

    // Start a sync of RIO and cancel it from the progress modal.
    await rowOf(page, "PEMS PFA Read").getByRole("button", { name: /Sync data/i }).click();
    const dialog = page.locator("dialog#sync-dialog[open]");
    await dialog.getByLabel("Organization").selectOption("RIO");
    await dialog.getByRole("button", { name: "Start sync" }).click();
    const modal = page.locator("dialog#progress-dialog[open]");
    await page.waitForFunction(
      () =>
        /Processing: ([1-9]\d*)%/.test(
          document.querySelector(".progress-status")?.textContent ?? "",
        ),
      undefined,
      { timeout: 60_000 },
    );
    await modal.getByRole("button", { name: "Cancel sync" }).click();
    await modal.locator(".alert-warning").waitFor({ timeout: 60_000 });
    assert.match(
      await modal.locator(".alert-warning").innerText(),
      /Sync cancelled after [\d,]+ records\. The rows written before the cancel stay/,
    );
    assert.match(await modal.locator(".progress-status").innerText(), /^Cancelled at \d+%$/);
    assert.equal(await modal.getByRole("button", { name: "Cancel sync" }).count(), 0);

    // The run's page: summary, quarantined rows with their raw cells, and the log.
    await modal.getByRole("link", { name: "Run details" }).click();
    await page.waitForURL(/\/admin\/syncs\/[0-9a-f-]{36}$/);
    const syncId = page.url().split("/").at(-1)!;
    const run = (await t.api("GET", `/api/pems/sync/${syncId}`)).body;
    assert.equal(run.status, "cancelled");
    assert.equal(run.organization, "RIO");
    assert.match(await page.locator("h1").innerText(), /Sync run: PEMS PFA Read · RIO/);
    assert.match(await page.locator(".summary").innerText(), /Cancelled/);
    const quarantine = page.locator("table.quarantine tbody tr");
    assert.equal(await quarantine.count(), 3);
    assert.deepEqual(
      await page.locator("table.quarantine tbody th").allInnerTexts(),
      ["6", "31", "121"],
    );
    await quarantine.first().locator("summary").click();
    assert.match(
      await quarantine.first().locator(".bad-cell").innerText(),
      /pfs_f_startdate\s+31-FEB-2025/,
    );
    const messages = await page.locator("table.run-log td[data-label=Message]").allInnerTexts();
    assert.equal(messages[0], "run started");
    assert.ok(messages.includes("cancel requested"), `log: ${messages}`);
    assert.equal(messages.at(-1), "run cancelled");
    // A cancel that arrives while a page is read ends the run in that page's first batch, which
    // then has its own line with outcome "cancelled".
    const pages = messages.filter((message) => message === "page synced").length;
    const written = Math.ceil(run.processedRecords / 250);
    assert.ok(pages === written || pages === written + 1, `log: ${messages}`);
    const firstTime = await page.locator("table.run-log tbody time").first().innerText();
    assert.match(firstTime, /^\d{2}:\d{2}:\d{2}$/);
    await page.screenshot({
      path: new URL("run_detail.png", screenshotDir).pathname,
      fullPage: true,
    });

    // The history page lists the cancelled run above the completed one.
    await page.getByRole("link", { name: "Sync history: PEMS PFA Read" }).click();
    await page.waitForURL(`${t.origin}/admin/configs/${pfaId}/history`);
    const rows = page.locator("table.history tbody tr");
    assert.equal(await rows.count(), 2);
    const newest = await rows.first().innerText();
    assert.match(newest, /Cancelled/);
    assert.match(newest, /RIO/);
    assert.match(newest, new RegExp(adminEmail.replace(".", "\\.")));
    assert.match(await rows.nth(1).innerText(), /Completed[\s\S]*HOLNG[\s\S]*500/);
    assert.equal(
      await rows.first().locator("a").getAttribute("href"),
      `/admin/syncs/${syncId}`,
    );
    await screenshot(page, "history.png");

    // Schedule: an invalid value shows the server's message in the dialog, a valid one saves.
    await page.getByRole("link", { name: "API connectivity" }).first().click();
    await page.waitForURL(`${t.origin}/admin/api-connectivity`);
    const row = rowOf(page, "PEMS PFA Read");
    await row.getByRole("button", { name: "Edit schedule of PEMS PFA Read" }).click();
    const scheduleDialog = page.locator("dialog#schedule-dialog[open]");
    await scheduleDialog.waitFor();
    await scheduleDialog.getByLabel("Schedule").fill("daily");
    await scheduleDialog.getByRole("button", { name: "Save schedule" }).click();
    const error = scheduleDialog.getByRole("alert");
    await error.waitFor();
    assert.match(await error.innerText(), /invalid schedule "daily": give the UTC time/);
    // Twelve hours away from now, so the scheduler does not start a run during the test.
    const hour = String((new Date().getUTCHours() + 12) % 24).padStart(2, "0");
    await scheduleDialog.getByLabel("Schedule").fill(`daily@${hour}:30`);
    await scheduleDialog.getByLabel("Organizations").fill("rio");
    await scheduleDialog.getByRole("button", { name: "Save schedule" }).click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
    assert.equal(await page.locator("dialog[open]").count(), 0);
    const config = (await t.api("GET", `/api/configs/${pfaId}`)).body;
    assert.equal(config.schedule, `daily@${hour}:30`);
    assert.deepEqual(config.scheduleOrganizations, ["RIO"]);
    const next = nextScheduledTime(
      parseSchedule(config.schedule),
      new Date(config.lastScheduledAt),
    );
    // static/app.js formats the new row's times once htmx settles it, after the dialog closed.
    const expected = `daily@${hour}:30\nRIO\nNext ${formatDateTime(next, browserTimeZone)}\nEdit`;
    const cellText = await page.waitForFunction(
      ([id, text]) => {
        const cell = document.querySelector<HTMLElement>(`#config-row-${id} [data-label=Schedule]`);
        return cell?.innerText === text ? text : false;
      },
      [String(pfaId), expected],
    );
    assert.equal(await cellText.jsonValue(), expected);
    await waitForFocus(page, `schedule-button-${pfaId}`);
    assert.deepEqual(consoleErrors, [], "no errors in the browser console");

    await context.close();
  } finally {
    await browser?.close();
    await t.close();
  }
});

Deno.test("admin UI: admin adds an operator and a configuration", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=50,HOLNG=50" } });
  let browser: Browser | undefined;
  try {
    // A configuration of HOLNG, which an operator of RIO must not see.
    const holng = await t.api("POST", "/api/configs", {
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
    assert.equal(holng.status, 201, JSON.stringify(holng.body));

    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: chromiumArgs,
      headless: true,
    });
    const context = await browser.newContext({
      timezoneId: browserTimeZone,
      viewport: { width: 1440, height: 900 },
    });
    const page = await context.newPage();
    const consoleErrors: string[] = [];
    page.on("console", (message) => {
      // The browser reports each 4xx response, such as the 409 of the taken email.
      if (message.type() !== "error" || message.text().startsWith("Failed to load resource")) {
        return;
      }
      consoleErrors.push(message.text());
    });
    page.on("pageerror", (error) => consoleErrors.push(error.message));
    await logIn(page, t.origin);

    // Users page: a taken email is refused in the dialog, then the operator is created.
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })
      .click();
    await page.waitForURL(`${t.origin}/admin/users`);
    await page.getByRole("button", { name: "Add user" }).click();
    const userDialog = page.locator("dialog#user-dialog[open]");
    await userDialog.waitFor();
    await userDialog.getByLabel("Email").fill(adminEmail);
    await userDialog.getByLabel("Initial password").fill("operator-password-1");
    await userDialog.getByLabel("Role").selectOption("operator");
    await userDialog.getByRole("checkbox", { name: /RIO/ }).check();
    await userDialog.getByRole("button", { name: "Create user" }).click();
    const userError = userDialog.getByRole("alert");
    await userError.waitFor();
    assert.match(await userError.innerText(), /a user with email admin@example\.test exists/);
    await userDialog.getByLabel("Email").fill("rio-operator@example.test");
    await userDialog.getByRole("button", { name: "Create user" }).click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
    await waitForFocus(page, "add-user-button");
    const operatorRow = page.locator("tbody tr").filter({ hasText: "rio-operator@example.test" });
    assert.match(await operatorRow.innerText(), /Operator\s+RIO\s+Enabled/);
    assert.match(
      await page.locator("#flash").innerText(),
      /User rio-operator@example\.test created/,
    );
    await screenshot(page, "users.png");

    // Connectivity page: the admin adds a configuration owned by RIO.
    await page.getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "API connectivity" }).click();
    await page.waitForURL(`${t.origin}/admin/api-connectivity`);
    await page.getByRole("button", { name: "Add configuration" }).click();
    const configDialog = page.locator("dialog#config-dialog[open]");
    await configDialog.waitFor();
    await configDialog.getByLabel("Name", { exact: true }).fill("RIO PFA");
    await configDialog.getByLabel("Usage", { exact: true }).fill("PEMS_PFA_READ");
    await configDialog.getByLabel("URL", { exact: true }).fill(
      `${t.origin}/pems-sim/axis/restservices/griddata`,
    );
    await configDialog.getByLabel("Organization", { exact: true }).selectOption("RIO");
    await configDialog.getByLabel("Username", { exact: true }).fill("pems");
    await configDialog.getByLabel("Password or API key").fill("pems-demo");
    await configDialog.getByLabel("tenant", { exact: true }).fill("DEMO_DEV");
    await configDialog.getByLabel("gridName", { exact: true }).fill("CUPFAG");
    // The form has one empty header row; Add header appends another.
    await configDialog.getByLabel("Header name").fill("X-Client");
    await configDialog.getByLabel("Header value").fill("pems-sync");
    await configDialog.getByRole("button", { name: "Add header" }).click();
    await configDialog.getByLabel("Header name").last().fill("X-Trace");
    await configDialog.getByLabel("Header value").last().fill("on");
    await configDialog.getByLabel("Page size", { exact: true }).fill("500");
    // Tall enough to show the whole dialog.
    await page.setViewportSize({ width: 1440, height: 1750 });
    await screenshot(page, "config_form.png");
    await page.setViewportSize({ width: 1440, height: 900 });
    await configDialog.getByRole("button", { name: "Create configuration" }).click();
    await page.locator("dialog[open]").waitFor({ state: "detached" });
    await waitForFocus(page, "add-config-button");
    await rowOf(page, "RIO PFA").waitFor();
    const config = (await t.api("GET", `/api/configs/${await t.configId("RIO PFA")}`)).body;
    assert.equal(config.organization, "RIO");
    assert.deepEqual(config.customHeaders, {
      tenant: "DEMO_DEV",
      gridName: "CUPFAG",
      "X-Client": "pems-sync",
      "X-Trace": "on",
    });
    await rowOf(page, "RIO PFA").getByRole("button", { name: /Test connection/ }).click();
    await rowOf(page, "RIO PFA").locator(".test-ok").waitFor();

    // The operator sees the shared configurations and RIO's, and no admin links or buttons.
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(`${t.origin}/login?reason=logged_out`);
    await logIn(page, t.origin, "rio-operator@example.test", "operator-password-1");
    const names = await page.locator("tbody .config-name").allInnerTexts();
    assert.deepEqual(names, [
      "PEMS Asset Master",
      "PEMS Classifications",
      "PEMS PFA Read",
      "PEMS PFA Write",
      "RIO PFA",
    ]);
    const links = await page.getByRole("navigation", { name: "Main" }).getByRole("link")
      .allInnerTexts();
    assert.deepEqual(links, ["API connectivity"]);
    assert.equal(await page.getByRole("button", { name: "Add configuration" }).count(), 0);
    assert.equal(await page.getByRole("button", { name: /^(Edit|Delete) / }).count(), 0);
    assert.equal(
      await rowOf(page, "RIO PFA").getByRole("button", { name: /Sync data/ }).count(),
      1,
    );
    await page.goto(`${t.origin}/admin/users`);
    assert.match(await page.locator("main").innerText(), /requires role admin/);
    assert.deepEqual(consoleErrors, [], "no errors in the browser console");

    await context.close();
  } finally {
    await browser?.close();
    await t.close();
  }
});
