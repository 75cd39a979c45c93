/**
 * Parsers for the text of EAM Grid Data cells.
 *
 * EAM sends every cell as a string, whatever the column type. Each parser trims the text,
 * returns null for an empty or whitespace-only cell, and throws {@link CellValueError} when the
 * text does not fit the type.
 *
 * @module
 */

import { assertTimeZone, utcEpochMs, type WallClock, wallClockToEpochMs } from "./time_zone.ts";

/** Error thrown when a cell's text does not fit the expected type. The message quotes the text. */
export class CellValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CellValueError";
  }
}

/** Returns the trimmed text, or null when it is empty. */
export function parseText(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
}

// Sign, integer digits either ungrouped or in comma-separated groups of three, optional fraction.
const DECIMAL = /^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(?:\.(\d+))?$/;

interface Decimal {
  negative: boolean;
  integerDigits: string;
  fractionDigits: string;
}

function splitDecimal(trimmed: string): Decimal | null {
  const match = DECIMAL.exec(trimmed);
  if (match === null) return null;
  const [, sign, integerPart = "", fractionDigits = ""] = match;
  if (integerPart === "" && fractionDigits === "") return null;
  const integerDigits = integerPart.replaceAll(",", "").replace(/^0+(?=\d)/, "") || "0";
  return { negative: sign === "-", integerDigits, fractionDigits };
}

/**
 * Parses a decimal number such as "12,345.50" or "-1,000" into a canonical decimal string
 * ("12345.50", "-1000") that a Postgres numeric column accepts without loss.
 *
 * Commas are thousands separators and must separate groups of exactly three digits. The
 * fraction keeps its digits, including trailing zeros. Leading zeros and the sign of zero are
 * dropped. Exponents ("1e3") are rejected.
 *
 * @throws {CellValueError} when the text is not such a number.
 */
export function parseNumber(text: string): string | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;

  const decimal = splitDecimal(trimmed);
  if (decimal === null) {
    throw new CellValueError(
      `invalid number "${trimmed}": expected digits with optional thousands separators ` +
        `and decimal point, such as 1,234.56`,
    );
  }

  const { negative, integerDigits, fractionDigits } = decimal;
  const isZero = /^0*$/.test(integerDigits + fractionDigits);
  const sign = negative && !isZero ? "-" : "";
  const fraction = fractionDigits === "" ? "" : `.${fractionDigits}`;
  return `${sign}${integerDigits}${fraction}`;
}

/**
 * Parses a whole number with optional thousands separators, such as "1,234,567" or "-12".
 * A fraction of zeros ("12.00") is accepted.
 *
 * @throws {CellValueError} when the text is not a whole number, or is beyond
 * `Number.MAX_SAFE_INTEGER` in magnitude.
 */
export function parseInteger(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;

  const decimal = splitDecimal(trimmed);
  if (decimal === null || !/^0*$/.test(decimal.fractionDigits)) {
    throw new CellValueError(
      `invalid integer "${trimmed}": expected a whole number with optional thousands ` +
        `separators, such as 1,234`,
    );
  }

  const magnitude = Number(decimal.integerDigits);
  if (!Number.isSafeInteger(magnitude)) {
    throw new CellValueError(
      `integer "${trimmed}" is beyond the safe range of ±${Number.MAX_SAFE_INTEGER}: ` +
        `parse it with parseNumber instead`,
    );
  }
  return decimal.negative && magnitude !== 0 ? -magnitude : magnitude;
}

const TRUE_WORDS = new Set(["Y", "YES", "TRUE", "+", "1", "-1"]);
const FALSE_WORDS = new Set(["N", "NO", "FALSE", "-", "0"]);

/**
 * Parses an EAM checkbox or flag value. True is Y, YES, TRUE, +, 1 or -1, and false is N, NO,
 * FALSE, - or 0, in any letter case. EAM checkboxes store -1 for checked.
 *
 * @throws {CellValueError} for any other text.
 */
export function parseBoolean(text: string): boolean | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;

  const word = trimmed.toUpperCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new CellValueError(
    `invalid boolean "${trimmed}": expected Y, YES, TRUE, +, 1 or -1 for true ` +
      `and N, NO, FALSE, - or 0 for false`,
  );
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const MONTH_NAMES = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

const EPOCH_MS = /^\d{10,13}$/;
const TIME = String.raw`(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?`;
const DAY_MONTH_NAME_YEAR = new RegExp(String.raw`^(\d{1,2})-([A-Za-z]{3})-(\d{4})${TIME}$`);
const DAY_MONTH_YEAR = new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}$`);
const ISO_DATE_TIME = new RegExp(
  String.raw`^(\d{4})-(\d{2})-(\d{2})` +
    String.raw`(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$`,
  "i",
);

/** Wall-clock fields as matched text, in the order year, month, day, hour, minute, second. */
type DateFields = [string, string, string, string?, string?, string?];

/**
 * Parses an EAM date or date-time and returns the instant as an ISO 8601 UTC string, such as
 * "2025-11-05T00:00:00.000Z".
 *
 * Accepted forms: "05-NOV-2025", "05-Nov-2025 14:30[:15]", "2025-11-05", "2025-11-05 14:30[:15]",
 * ISO 8601 "2025-11-05T14:30:15[.123][Z|+02:00]", "05/11/2025[ 14:30[:15]]" (day first), and
 * epoch milliseconds of 10 to 13 digits. Fractions beyond milliseconds are truncated.
 *
 * Text without a zone, including a bare date, is a wall-clock time in `timeZone` (an IANA
 * name, default "UTC"). A bare date becomes midnight there, so a caller that stores a DATE
 * column must format the instant back in the same zone. Times in a daylight-saving gap move
 * forward, and times in an overlap take the earlier instant (see {@link wallClockToEpochMs}).
 *
 * @throws {CellValueError} when the text has none of these forms or names an impossible date
 * or time, such as "31-FEB-2025" or "2025-13-01".
 * @throws {RangeError} when `timeZone` is not a known time zone name.
 */
export function parseDate(text: string, timeZone = "UTC"): string | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (trimmed.length > DATE_ONLY_LENGTH) return parseDateUncached(trimmed, timeZone);

  const cacheKey = `${timeZone}\u0000${trimmed}`;
  const cached = parsedDates.get(cacheKey);
  if (cached !== undefined) return cached;
  const instant = parseDateUncached(trimmed, timeZone);
  if (parsedDates.size >= PARSED_DATES_LIMIT) parsedDates.clear();
  parsedDates.set(cacheKey, instant);
  return instant;
}

// Dates without a time repeat across rows: the 800,000 date cells of 200,000 simulated PFA rows
// hold about 2,000 distinct dates, so their instants are cached. Date-times are too varied to
// gain from it (160,000 distinct in 200,000 rows). Only successful parses are kept.
const DATE_ONLY_LENGTH = "05-NOV-2025".length;
const PARSED_DATES_LIMIT = 10_000;
const parsedDates = new Map<string, string>();

function parseDateUncached(trimmed: string, timeZone: string): string {
  assertTimeZone(timeZone);

  if (EPOCH_MS.test(trimmed)) return new Date(Number(trimmed)).toISOString();

  let match = DAY_MONTH_NAME_YEAR.exec(trimmed);
  if (match !== null) {
    const [, day, monthName, year, hour, minute, second] = match;
    const month = MONTHS.indexOf(monthName.toUpperCase()) + 1;
    if (month === 0) {
      throw new CellValueError(
        `invalid date "${trimmed}": unknown month "${monthName}", expected JAN to DEC`,
      );
    }
    return zonedInstant(trimmed, [year, String(month), day, hour, minute, second], timeZone);
  }

  match = DAY_MONTH_YEAR.exec(trimmed);
  if (match !== null) {
    const [, day, month, year, hour, minute, second] = match;
    return zonedInstant(trimmed, [year, month, day, hour, minute, second], timeZone);
  }

  match = ISO_DATE_TIME.exec(trimmed);
  if (match !== null) return isoInstant(trimmed, match, timeZone);

  throw new CellValueError(
    `invalid date "${trimmed}": expected dd-MMM-yyyy, yyyy-MM-dd or dd/MM/yyyy with an ` +
      `optional HH:mm[:ss] time, ISO 8601, or epoch milliseconds`,
  );
}

function isoInstant(trimmed: string, match: RegExpExecArray, timeZone: string): string {
  const [, year, month, day, hour, minute, second, fraction, zone] = match;
  const wall = toWallClock(trimmed, [year, month, day, hour, minute, second]);
  wall.millisecond = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  if (zone === undefined) return new Date(wallClockToEpochMs(wall, timeZone)).toISOString();
  return new Date(utcEpochMs(wall) - zoneOffsetMs(trimmed, zone)).toISOString();
}

function zonedInstant(trimmed: string, fields: DateFields, timeZone: string): string {
  const wall = toWallClock(trimmed, fields);
  return new Date(wallClockToEpochMs(wall, timeZone)).toISOString();
}

function toWallClock(trimmed: string, fields: DateFields): WallClock {
  const [year, month, day, hour, minute, second] = fields.map((field) => Number(field ?? 0));
  if (month < 1 || month > 12) {
    throw new CellValueError(`invalid date "${trimmed}": month ${month} is not between 1 and 12`);
  }
  const lastDay = daysInMonth(year, month);
  if (day < 1 || day > lastDay) {
    throw new CellValueError(
      `invalid date "${trimmed}": ${MONTH_NAMES[month - 1]} ${year} has days 1 to ${lastDay}, ` +
        `not ${day}`,
    );
  }
  if (hour > 23 || minute > 59 || second > 59) {
    throw new CellValueError(
      `invalid date "${trimmed}": the time of day must be between 00:00:00 and 23:59:59`,
    );
  }
  return { year, month, day, hour, minute, second, millisecond: 0 };
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function zoneOffsetMs(trimmed: string, zone: string): number {
  if (zone.toUpperCase() === "Z") return 0;
  const digits = zone.slice(1).replace(":", "");
  const hours = Number(digits.slice(0, 2));
  const minutes = Number(digits.slice(2));
  if (hours > 23 || minutes > 59) {
    throw new CellValueError(
      `invalid date "${trimmed}": UTC offset "${zone}" is out of range, expected -23:59 to +23:59`,
    );
  }
  const sign = zone.startsWith("-") ? -1 : 1;
  return sign * (hours * 60 + minutes) * 60_000;
}
