import assert from "node:assert/strict";
import { loadApiConfiguration, updateApiConfiguration } from "../db/api_configurations.ts";
import { ensureOrganizations } from "../db/organizations.ts";
import { loadSyncRun } from "../db/sync_runs.ts";
import { nextScheduledTime, parseSchedule, ScheduleError } from "../sync/schedule.ts";
import { runDueSchedules } from "../sync/scheduler.ts";
import { setUpEngine } from "./support/engine.ts";
import { startTestService } from "./support/service.ts";

const utc = (text: string) => new Date(`${text}Z`);
const next = (schedule: string, after: string) =>
  nextScheduledTime(parseSchedule(schedule), utc(after))?.toISOString();

Deno.test("schedule: named forms and cron give the next UTC minute", () => {
  const cases: [string, string, string][] = [
    ["hourly", "2026-03-10T10:15:00", "2026-03-10T11:00:00.000Z"],
    ["hourly", "2026-03-10T10:00:00", "2026-03-10T11:00:00.000Z"],
    ["daily@02:30", "2026-03-10T01:00:00", "2026-03-10T02:30:00.000Z"],
    ["daily@02:30", "2026-03-10T02:30:00", "2026-03-11T02:30:00.000Z"],
    ["Daily@2:05", "2026-12-31T23:59:59", "2027-01-01T02:05:00.000Z"],
    // 2026-03-10 is a Tuesday.
    ["weekly@mon 02:30", "2026-03-10T00:00:00", "2026-03-16T02:30:00.000Z"],
    ["weekly@tue 02:30", "2026-03-10T00:00:00", "2026-03-10T02:30:00.000Z"],
    ["*/15 9-17 * * mon-fri", "2026-03-13T17:50:00", "2026-03-16T09:00:00.000Z"],
    ["0 0 29 2 *", "2026-03-01T00:00:00", "2028-02-29T00:00:00.000Z"],
    // Both day fields restricted: either matches, as in Vixie cron (2026-03-13 is a Friday).
    ["0 12 1 * fri", "2026-03-10T00:00:00", "2026-03-13T12:00:00.000Z"],
    ["0 12 1 * 7", "2026-03-10T00:00:00", "2026-03-15T12:00:00.000Z"],
    ["30 4 * jan,jul *", "2026-03-10T00:00:00", "2026-07-01T04:30:00.000Z"],
    ["5/20 * * * *", "2026-03-10T10:26:00", "2026-03-10T10:45:00.000Z"],
  ];
  for (const [schedule, after, expected] of cases) {
    assert.equal(next(schedule, after), expected, `${schedule} after ${after}`);
  }
});

Deno.test("schedule: normalized text and manual", () => {
  assert.equal(parseSchedule("  Weekly@MON   02:30 ").text, "weekly@mon 02:30");
  assert.equal(parseSchedule("0  2 * *  *").text, "0 2 * * *");
  const manual = parseSchedule("manual");
  assert.equal(manual.kind, "manual");
  assert.equal(nextScheduledTime(manual, new Date()), undefined);
});

Deno.test("schedule: invalid text names the problem", () => {
  const cases: [string, RegExp][] = [
    ["every day", /expected manual, hourly, daily@HH:MM/],
    ["daily", /give the UTC time, such as daily@02:30/],
    ["daily@24:00", /hour 24 is not in 0-23/],
    ["weekly@xyz 02:00", /day "xyz" is not one of sun, mon/],
    ["61 * * * *", /minute 61 is not in 0-59/],
    ["* * * *", /5-field cron expression/],
    ["*/0 * * * *", /minute "\*\/0" is invalid/],
    ["5-1 * * * *", /range 5-1 runs backwards/],
    ["0 0 31 2 *", /never fires/],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseSchedule(text), (error: Error) => {
      assert.ok(error instanceof ScheduleError, `${text}: ${error}`);
      assert.match(error.message, message, text);
      return true;
    });
  }
});

Deno.test("scheduler: due schedule starts runs, skips active ones", async () => {
  const t = await setUpEngine(900);
  try {
    const before = new Date();
    await updateApiConfiguration(t.db, t.cipher, t.config.id, { schedule: "hourly" });
    const config = await loadApiConfiguration(t.db, t.config.id);
    assert.equal(config?.schedule, "hourly");
    assert.ok(config?.lastScheduledAt, "setting a schedule starts counting");

    const notYet = await runDueSchedules(t.db, t.queue, before, { batchSize: 300 });
    assert.deepEqual(notYet, { started: [], skipped: [] });

    const firstTick = new Date(before.getTime() + 61 * 60_000);
    const first = await runDueSchedules(t.db, t.queue, firstTick, { batchSize: 300 });
    assert.equal(first.started.length, 1);
    assert.equal(first.started[0].organization, "RIO");
    const firstRun = await loadSyncRun(t.db, first.started[0].runId);
    assert.equal(firstRun?.mode, "full", "no watermark yet, so a full sync");
    assert.equal(firstRun?.startedBy, null);
    assert.equal(firstRun?.batchSize, 300);

    const again = await runDueSchedules(t.db, t.queue, firstTick, { batchSize: 300 });
    assert.deepEqual(again, { started: [], skipped: [] }, "one tick starts each run once");

    const completed = await t.drain(first.started[0].runId);
    assert.equal(completed.status, "completed", completed.error ?? "");

    const secondTick = new Date(firstTick.getTime() + 60 * 60_000);
    const second = await runDueSchedules(t.db, t.queue, secondTick, { batchSize: 300 });
    assert.equal(second.started.length, 1);
    const secondRun = await loadSyncRun(t.db, second.started[0].runId);
    assert.equal(secondRun?.mode, "incremental", "the completed run left a watermark");

    // The second run is still queued: the next tick must not start another one.
    const thirdTick = new Date(secondTick.getTime() + 60 * 60_000);
    const third = await runDueSchedules(t.db, t.queue, thirdTick, { batchSize: 300 });
    assert.equal(third.started.length, 0);
    assert.equal(third.skipped.length, 1);
    assert.equal(third.skipped[0].activeRunId, second.started[0].runId);
    assert.equal(third.skipped[0].reason, "previous run still active");
  } finally {
    await t.close();
  }
});

Deno.test("scheduler: schedule organizations limit the runs", async () => {
  const t = await setUpEngine(100);
  try {
    await ensureOrganizations(t.db, [{ code: "HOLNG", name: "Holcim LNG" }, {
      code: "BECH",
      name: "Bechtel",
    }]);
    await updateApiConfiguration(t.db, t.cipher, t.config.id, {
      schedule: "daily@02:30",
      scheduleOrganizations: ["HOLNG", "BECH"],
    });
    const now = new Date(Date.now() + 25 * 60 * 60_000);
    const tick = await runDueSchedules(t.db, t.queue, now);
    assert.deepEqual(tick.started.map((start) => start.organization).sort(), ["BECH", "HOLNG"]);

    await updateApiConfiguration(t.db, t.cipher, t.config.id, { scheduleOrganizations: null });
    const later = new Date(now.getTime() + 25 * 60 * 60_000);
    const all = await runDueSchedules(t.db, t.queue, later);
    assert.deepEqual(all.started.map((start) => start.organization), ["RIO"]);
    assert.deepEqual(all.skipped.map((skip) => skip.organization).sort(), ["BECH", "HOLNG"]);
  } finally {
    await t.close();
  }
});

Deno.test("scheduler: concurrent ticks start each run once", async () => {
  const t = await setUpEngine(100);
  try {
    await updateApiConfiguration(t.db, t.cipher, t.config.id, { schedule: "*/5 * * * *" });
    const now = new Date(Date.now() + 10 * 60_000);
    const ticks = await Promise.all([
      runDueSchedules(t.db, t.queue, now),
      runDueSchedules(t.db, t.queue, now),
      runDueSchedules(t.db, t.queue, now),
    ]);
    assert.equal(ticks.flatMap((tick) => tick.started).length, 1);
    // Without the claim on last_scheduled_at the other ticks would try and be skipped.
    assert.equal(ticks.flatMap((tick) => tick.skipped).length, 0);
    const [row] = await t.db.query<{ count: string }>("select count(*) as count from sync_runs");
    assert.equal(Number(row.count), 1);
  } finally {
    await t.close();
  }
});

Deno.test("scheduler: config API validates and the service tick runs the sync", async () => {
  const t = await startTestService({ env: { PEMS_SIM_ROWS: "RIO=300,HOLNG=20,BECH=5" } });
  try {
    const id = await t.configId("PEMS PFA Read");
    const invalid = await t.api("PATCH", `/api/configs/${id}`, { schedule: "every day" });
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.error.message, /schedule: invalid schedule "every day": expected/);
    const badOrganizations = await t.api("PATCH", `/api/configs/${id}`, {
      scheduleOrganizations: [],
    });
    assert.equal(badOrganizations.status, 400);
    assert.match(badOrganizations.body.error.message, /at least one organization/);

    const patched = await t.api("PATCH", `/api/configs/${id}`, {
      schedule: " DAILY@02:30 ",
      scheduleOrganizations: ["rio"],
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.equal(patched.body.schedule, "daily@02:30");
    assert.deepEqual(patched.body.scheduleOrganizations, ["RIO"]);

    const due = nextScheduledTime(parseSchedule("daily@02:30"), new Date())!;
    const tick = await t.service.runSchedules(due);
    assert.equal(tick.started.length, 1);
    const finished = await t.waitForRun(tick.started[0].runId);
    assert.equal(finished.status, "completed", finished.error);
    assert.equal(finished.organization, "RIO");
    assert.equal(finished.processedRecords, 300);
  } finally {
    await t.close();
  }
});
