import { type ApiConfiguration, listApiConfigurations } from "../db/api_configurations.ts";
import type { Database } from "../db/database.ts";
import { listOrganizations } from "../db/organizations.ts";
import { log } from "../lib/log.ts";
import { pullEntities } from "./feeds.ts";
import type { JobQueue } from "./job_queue.ts";
import { nextScheduledTime, parseSchedule, ScheduleError } from "./schedule.ts";
import { startSync } from "./start_sync.ts";
import { SyncStartError } from "./sync_errors.ts";

/** A run the scheduler started. */
export interface ScheduledStart {
  apiConfigId: number;
  organization: string;
  runId: string;
}

/** A configuration and organization the scheduler did not start, and why. */
export interface ScheduledSkip {
  apiConfigId: number;
  organization: string | null;
  reason: string;
  /** The run still active from before, when that is the reason. */
  activeRunId?: string;
}

/** Runs started and skipped by one scheduler tick. */
export interface ScheduleTick {
  started: ScheduledStart[];
  skipped: ScheduledSkip[];
}

/** Options of {@linkcode runDueSchedules}. */
export interface SchedulerOptions {
  /** Rows per upsert transaction of the runs started. */
  batchSize?: number;
}

/**
 * Starts the runs whose schedule named a minute after the configuration's `last_scheduled_at`
 * (or its creation) and at or before `now`. Each organization of the configuration
 * (`schedule_organizations`, else every organization) gets an incremental run, which
 * {@linkcode startSync} turns into a full one when no earlier run left a watermark. An
 * organization whose previous run is still active is skipped. Minutes missed while no process
 * ran collapse into one run.
 */
export async function runDueSchedules(
  db: Database,
  queue: JobQueue,
  now: Date = new Date(),
  options: SchedulerOptions = {},
): Promise<ScheduleTick> {
  const tick: ScheduleTick = { started: [], skipped: [] };
  for (const config of await listApiConfigurations(db)) {
    if (config.schedule === "manual") continue;
    if (!isDue(config, now)) continue;
    if (!(await claimTick(db, config, now))) continue;
    await startScheduledRuns(db, queue, config, tick, options);
  }
  return tick;
}

function isDue(config: ApiConfiguration, now: Date): boolean {
  let schedule;
  try {
    schedule = parseSchedule(config.schedule);
  } catch (error) {
    if (!(error instanceof ScheduleError)) throw error;
    log("error", "stored schedule is invalid: fix it in the configuration", {
      apiConfigId: config.id,
      error,
    });
    return false;
  }
  const since = new Date(config.lastScheduledAt ?? config.createdAt);
  const next = nextScheduledTime(schedule, since);
  return next !== undefined && next.getTime() <= now.getTime();
}

/**
 * Moves `last_scheduled_at` to `now` unless another process moved it since the configuration
 * was read, so two processes that tick at once start each run once.
 */
async function claimTick(db: Database, config: ApiConfiguration, now: Date): Promise<boolean> {
  const rows = await db.query(
    `update api_configurations set last_scheduled_at = $2
     where id = $1
       and date_trunc('milliseconds', last_scheduled_at) is not distinct from $3::timestamptz
     returning id`,
    [config.id, now, config.lastScheduledAt],
  );
  return rows.length > 0;
}

async function startScheduledRuns(
  db: Database,
  queue: JobQueue,
  config: ApiConfiguration,
  tick: ScheduleTick,
  options: SchedulerOptions,
): Promise<void> {
  const pulled = pullEntities(config.feeds);
  if (pulled.length === 0) {
    log("warn", "scheduled sync skipped: the configuration has no pull feed", {
      apiConfigId: config.id,
    });
    tick.skipped.push({ apiConfigId: config.id, organization: null, reason: "no pull feed" });
    return;
  }
  // NOTE: one run per configuration and organization may be active, so a configuration that
  // pulls several entities gets scheduled runs of its first entity only.
  const entity = pulled[0];
  const organizations = config.scheduleOrganizations ??
    (await listOrganizations(db)).map((organization) => organization.code);
  for (const organization of organizations) {
    await startOne(db, queue, { config, organization, entity, tick, options });
  }
}

async function startOne(
  db: Database,
  queue: JobQueue,
  target: {
    config: ApiConfiguration;
    organization: string;
    entity: ReturnType<typeof pullEntities>[number];
    tick: ScheduleTick;
    options: SchedulerOptions;
  },
): Promise<void> {
  const { config, organization, entity, tick } = target;
  const fields = { apiConfigId: config.id, organization, schedule: config.schedule };
  try {
    const started = await startSync(db, queue, {
      apiConfigId: config.id,
      organization,
      mode: "incremental",
      entity,
      startedBy: null,
      batchSize: target.options.batchSize,
    });
    if ("activeRunId" in started) {
      log("info", "scheduled sync skipped: the previous run is still active", {
        ...fields,
        runId: started.activeRunId,
      });
      tick.skipped.push({
        apiConfigId: config.id,
        organization,
        reason: "previous run still active",
        activeRunId: started.activeRunId,
      });
      return;
    }
    log("info", "scheduled sync run started", { ...fields, runId: started.run.id });
    tick.started.push({ apiConfigId: config.id, organization, runId: started.run.id });
  } catch (error) {
    if (!(error instanceof SyncStartError)) throw error;
    log("warn", "scheduled sync skipped", { ...fields, error });
    tick.skipped.push({ apiConfigId: config.id, organization, reason: error.message });
  }
}
