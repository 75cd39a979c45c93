/**
 * Sync schedules of API configurations: `manual`, `hourly`, `daily@HH:MM`, `weekly@ddd HH:MM`
 * or a 5-field cron expression (minute hour day-of-month month day-of-week), all in UTC.
 *
 * @module
 */

/** A parsed schedule. `manual` never runs on its own. */
export type Schedule =
  | { kind: "manual"; text: "manual" }
  | { kind: "cron"; text: string; cron: CronFields };

/** The values each cron field allows, and whether the day fields were restricted. */
export interface CronFields {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 is Sunday; 7 in the expression is read as 0. */
  daysOfWeek: ReadonlySet<number>;
  /** Cron runs on days that match either day field when both are restricted. */
  dayOfMonthRestricted: boolean;
  dayOfWeekRestricted: boolean;
}

/** A schedule text that does not parse; the message names the text and the expected forms. */
export class ScheduleError extends Error {
  override name = "ScheduleError";
}

const expectedForms =
  "expected manual, hourly, daily@HH:MM, weekly@mon HH:MM or a 5-field cron expression, in UTC";

const monthNames = [
  "jan",
  "feb",
  "mar",
  "apr",
  "may",
  "jun",
  "jul",
  "aug",
  "sep",
  "oct",
  "nov",
  "dec",
];
const dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Value of the first name: 1 for months, 0 for days. */
  namesFrom?: number;
}

const fieldSpecs: FieldSpec[] = [
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day of month", min: 1, max: 31 },
  { name: "month", min: 1, max: 12, names: monthNames, namesFrom: 1 },
  { name: "day of week", min: 0, max: 7, names: dayNames, namesFrom: 0 },
];

function parseValue(text: string, spec: FieldSpec, schedule: string): number {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (spec.namesFrom ?? 0);
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(value >= spec.min && value <= spec.max)) {
    throw new ScheduleError(
      `invalid schedule "${schedule}": ${spec.name} ${text} is not in ${spec.min}-${spec.max}`,
    );
  }
  return value;
}

/** Parses one cron field: `*`, `5`, `1-5`, `*\/15`, `0-30/10`, `mon-fri` and lists of those. */
function parseField(text: string, spec: FieldSpec, schedule: string): Set<number> {
  const values = new Set<number>();
  for (const part of text.split(",")) {
    const [range, stepText, extra] = part.split("/");
    const step = stepText === undefined ? 1 : /^\d+$/.test(stepText) ? Number(stepText) : 0;
    if (extra !== undefined || step < 1 || range === "") {
      throw new ScheduleError(`invalid schedule "${schedule}": ${spec.name} "${part}" is invalid`);
    }
    let from = spec.min;
    let to = spec.max;
    if (range !== "*") {
      const [start, end, more] = range.split("-");
      if (more !== undefined) {
        throw new ScheduleError(
          `invalid schedule "${schedule}": ${spec.name} "${part}" is invalid`,
        );
      }
      from = parseValue(start, spec, schedule);
      to = end !== undefined ? parseValue(end, spec, schedule) : stepText ? spec.max : from;
    }
    if (from > to) {
      throw new ScheduleError(
        `invalid schedule "${schedule}": ${spec.name} range ${range} runs backwards`,
      );
    }
    for (let value = from; value <= to; value += step) values.add(value);
  }
  return values;
}

function parseCron(text: string, schedule: string): CronFields {
  const parts = text.split(/\s+/);
  if (parts.length !== 5) {
    throw new ScheduleError(`invalid schedule "${schedule}": ${expectedForms}`);
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = parts.map((part, i) =>
    parseField(part, fieldSpecs[i], schedule)
  );
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  return {
    minutes,
    hours,
    daysOfMonth,
    months,
    daysOfWeek,
    dayOfMonthRestricted: !parts[2].startsWith("*"),
    dayOfWeekRestricted: !parts[4].startsWith("*"),
  };
}

/** Translates the named forms into cron; other text is returned as it is. */
function presetToCron(text: string): string {
  if (text === "hourly") return "0 * * * *";
  const daily = /^daily@(\d{1,2}):(\d{2})$/.exec(text);
  if (daily) return `${Number(daily[2])} ${Number(daily[1])} * * *`;
  const weekly = /^weekly@([a-z]{3}) (\d{1,2}):(\d{2})$/.exec(text);
  if (weekly) {
    if (!dayNames.includes(weekly[1])) {
      throw new ScheduleError(
        `invalid schedule "${text}": day "${weekly[1]}" is not one of ${dayNames.join(", ")}`,
      );
    }
    return `${Number(weekly[3])} ${Number(weekly[2])} * * ${weekly[1]}`;
  }
  if (/^(daily|weekly)\b/.test(text)) {
    throw new ScheduleError(
      `invalid schedule "${text}": give the UTC time, such as daily@02:30 or weekly@mon 02:30`,
    );
  }
  return text;
}

/**
 * Parses a schedule. The text is trimmed, lower-cased and its spaces collapsed; `text` of the
 * result is that normalized form.
 *
 * @throws {ScheduleError} for text in none of the forms above, and for a cron expression that
 * never fires (such as February 30).
 */
export function parseSchedule(input: string): Schedule {
  const text = input.trim().replace(/\s+/g, " ").toLowerCase();
  if (text === "manual") return { kind: "manual", text };
  const cron = parseCron(presetToCron(text), text);
  const schedule: Schedule = { kind: "cron", text, cron };
  // 2000-01-01 starts a leap year, so four years cover every day a cron expression can name.
  if (!nextScheduledTime(schedule, new Date(Date.UTC(2000, 0, 1)))) {
    throw new ScheduleError(`invalid schedule "${text}": it never fires`);
  }
  return schedule;
}

/** Returns the error message of an invalid schedule text, or undefined when it parses. */
export function scheduleProblem(input: string): string | undefined {
  try {
    parseSchedule(input);
    return undefined;
  } catch (error) {
    if (error instanceof ScheduleError) return error.message;
    throw error;
  }
}

function matchesDay(cron: CronFields, time: Date): boolean {
  const dayOfMonth = cron.daysOfMonth.has(time.getUTCDate());
  const dayOfWeek = cron.daysOfWeek.has(time.getUTCDay());
  if (cron.dayOfMonthRestricted && cron.dayOfWeekRestricted) return dayOfMonth || dayOfWeek;
  return dayOfMonth && dayOfWeek;
}

const minuteMs = 60_000;
const searchLimitMs = 5 * 366 * 24 * 60 * minuteMs;

/**
 * Returns the first whole UTC minute strictly after `after` that the schedule names, or
 * undefined for `manual` and for a schedule with no such minute within five years.
 */
export function nextScheduledTime(schedule: Schedule, after: Date): Date | undefined {
  if (schedule.kind === "manual") return undefined;
  const { cron } = schedule;
  const limit = after.getTime() + searchLimitMs;
  const time = new Date(Math.floor(after.getTime() / minuteMs) * minuteMs + minuteMs);
  while (time.getTime() <= limit) {
    if (!cron.months.has(time.getUTCMonth() + 1)) {
      time.setUTCMonth(time.getUTCMonth() + 1, 1);
      time.setUTCHours(0, 0, 0, 0);
    } else if (!matchesDay(cron, time)) {
      time.setUTCDate(time.getUTCDate() + 1);
      time.setUTCHours(0, 0, 0, 0);
    } else if (!cron.hours.has(time.getUTCHours())) {
      time.setUTCHours(time.getUTCHours() + 1, 0, 0, 0);
    } else if (!cron.minutes.has(time.getUTCMinutes())) {
      time.setUTCMinutes(time.getUTCMinutes() + 1, 0, 0);
    } else {
      return time;
    }
  }
  return undefined;
}
