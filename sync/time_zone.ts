/**
 * Conversion of wall-clock times in an IANA time zone to UTC instants.
 *
 * @module
 */

/** A calendar date and time of day as a clock shows it, without a zone. Month is 1–12. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

const DAY_MS = 86_400_000;
// 400 Gregorian years are exactly 146,097 days, so shifting by them keeps weekday and leap years.
const FOUR_CENTURIES_MS = 146_097 * DAY_MS;

const formatters = new Map<string, Intl.DateTimeFormat>();

/**
 * Returns the epoch milliseconds of a wall-clock time read as UTC.
 * Unlike `Date.UTC`, years 0–99 are not mapped to 1900–1999.
 */
export function utcEpochMs(wall: WallClock): number {
  const { year, month, day, hour, minute, second, millisecond } = wall;
  if (year >= 100) return Date.UTC(year, month - 1, day, hour, minute, second, millisecond);
  return Date.UTC(year + 400, month - 1, day, hour, minute, second, millisecond) -
    FOUR_CENTURIES_MS;
}

/**
 * Converts a wall-clock time in `timeZone` to epoch milliseconds.
 *
 * A time that the clocks skip (the spring-forward gap) resolves forward by the size of the
 * gap, so 02:30 on the night Berlin moves from 02:00 to 03:00 becomes 03:30 CEST. A time that
 * occurs twice (the fall-back overlap) resolves to the earlier instant, the one before the
 * clocks go back. This matches the "compatible" disambiguation of Temporal.
 *
 * NOTE: this assumes that the zone changes its offset at most once within a day of the given
 * time. The assumption is not checked.
 *
 * @throws {RangeError} when `timeZone` is not a time zone name that Intl knows.
 */
export function wallClockToEpochMs(wall: WallClock, timeZone: string): number {
  const local = utcEpochMs(wall);
  if (timeZone === "UTC") return local;

  const formatter = formatterFor(timeZone);
  const offsetBefore = offsetMs(formatter, local - DAY_MS);
  const offsetAfter = offsetMs(formatter, local + DAY_MS);

  // With a larger offset the instant is earlier, so try it first to prefer the earlier instant.
  const offsets = offsetBefore >= offsetAfter
    ? [offsetBefore, offsetAfter]
    : [offsetAfter, offsetBefore];
  for (const offset of offsets) {
    const instant = local - offset;
    if (offsetMs(formatter, instant) === offset) return instant;
  }

  // No offset fits, so the time lies in a gap. The offset from before the gap moves it forward.
  return local - offsetBefore;
}

/**
 * Throws unless Intl supports `timeZone`, such as "Europe/Berlin" or "UTC".
 *
 * @throws {RangeError} when the name is unknown.
 */
export function assertTimeZone(timeZone: string): void {
  formatterFor(timeZone);
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat("en-US", {
        timeZone,
        hourCycle: "h23",
        year: "numeric",
        month: "numeric",
        day: "numeric",
        hour: "numeric",
        minute: "numeric",
        second: "numeric",
      });
    } catch {
      throw new RangeError(
        `invalid time zone "${timeZone}": expected an IANA name such as "Europe/Berlin" or "UTC"`,
      );
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Returns the zone's offset from UTC at `epochMs`, in milliseconds (positive east of UTC). */
function offsetMs(formatter: Intl.DateTimeFormat, epochMs: number): number {
  const wholeSecond = epochMs - (((epochMs % 1000) + 1000) % 1000);
  const wall: WallClock = {
    year: 0,
    month: 1,
    day: 1,
    hour: 0,
    minute: 0,
    second: 0,
    millisecond: 0,
  };
  for (const part of formatter.formatToParts(wholeSecond)) {
    if (part.type === "year") wall.year = Number(part.value);
    else if (part.type === "month") wall.month = Number(part.value);
    else if (part.type === "day") wall.day = Number(part.value);
    else if (part.type === "hour") wall.hour = Number(part.value);
    else if (part.type === "minute") wall.minute = Number(part.value);
    else if (part.type === "second") wall.second = Number(part.value);
  }
  return utcEpochMs(wall) - wholeSecond;
}

const monthNames = [
  "JAN",
  "FEB",
  "MAR",
  "APR",
  "MAY",
  "JUN",
  "JUL",
  "AUG",
  "SEP",
  "OCT",
  "NOV",
  "DEC",
];

/**
 * Formats an instant as EAM writes a DATETIME cell, `05-NOV-2025 14:30`, in the wall-clock time of
 * `timeZone`. Seconds are dropped, so the value is at or before the instant.
 */
export function formatEamDateTime(instant: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).formatToParts(instant).map((part) => [part.type, part.value]),
  );
  const month = monthNames[Number(parts.month) - 1];
  return `${parts.day}-${month}-${parts.year} ${parts.hour}:${parts.minute}`;
}
