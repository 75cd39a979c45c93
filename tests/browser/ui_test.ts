/// <reference lib="dom" />
import assert from "node:assert/strict";
import { type Browser, chromium, type Page } from "playwright-core";
import { createSyncRun, failSyncRun } from "../../db/sync_runs.ts";
import { issueToken } from "../../routes/auth.ts";
import { publishProgress } from "../../sync/progress.ts";
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

async function logIn(page: Page, origin: string) {
  await page.goto(`${origin}/admin/api-connectivity`);
  assert.equal(new URL(page.url()).pathname, "/login");
  await page.getByLabel("Email").fill(adminEmail);
  await page.getByLabel("Password").fill(adminPassword);
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
    assert.equal(
      await page.evaluate(() => document.activeElement?.id),
      `sync-button-${pfaId}`,
      "focus returns to the Sync Data button",
    );

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
