/**
 * Hashing, seeded random numbers and the EAM text formats of dates and amounts, shared by the
 * row generator and the filter evaluator.
 *
 * @module
 */

/** Scrambles a 32-bit integer so that neighbouring inputs give unrelated outputs. */
export function mix32(value: number): number {
  let x = value | 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Combines two 32-bit hashes into one; the order of the arguments matters. */
export function combineHash(a: number, b: number): number {
  return mix32(a ^ (Math.imul(b, 0x9e3779b9) + 0x7f4a7c15));
}

/** Hashes a string (FNV-1a over UTF-16 code units, then {@linkcode mix32}). */
export function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  }
  return mix32(h);
}

/** Hashes a safe integer, using the bits above 32 too. */
export function hashInteger(value: number): number {
  return combineHash(mix32(value >>> 0), Math.floor(value / 0x1_0000_0000) >>> 0);
}

/**
 * Deterministic pseudo-random number generator for one generated row: a Weyl sequence passed
 * through an integer mixer, so creating one per row is cheap.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  /** Returns the next unsigned 32-bit value. */
  next(): number {
    this.state = (this.state + 0x9e3779b9) | 0;
    let z = this.state;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  }

  /** Returns an integer in `[0, bound)`. */
  below(bound: number): number {
    return this.next() % bound;
  }

  /** Returns an integer in `[min, max]`. */
  between(min: number, max: number): number {
    return min + (this.next() % (max - min + 1));
  }

  /** Returns true with the given probability in percent. */
  chance(percent: number): boolean {
    return this.next() % 100 < percent;
  }

  /** Returns a uniformly chosen element of a non-empty list. */
  pick<T>(list: readonly T[]): T {
    return list[this.next() % list.length];
  }
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const MONTH_NUMBER = new Map(MONTHS.map((month, index) => [month, index]));
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => (n < 10 ? "0" : "") + n);
const MS_PER_DAY = 86_400_000;
const MINUTES_PER_DAY = 1440;
const formattedDays = new Map<number, string>();

/** Returns the day number (days since 1970-01-01 UTC) of a calendar date. */
export function dayNumber(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / MS_PER_DAY;
}

/** Formats a day number the way EAM grids show dates, e.g. `05-NOV-2025`. */
export function formatDate(day: number): string {
  let text = formattedDays.get(day);
  if (text === undefined) {
    const date = new Date(day * MS_PER_DAY);
    text = `${TWO_DIGITS[date.getUTCDate()]}-${
      MONTHS[date.getUTCMonth()]
    }-${date.getUTCFullYear()}`;
    formattedDays.set(day, text);
  }
  return text;
}

/** Formats a day number plus minutes after midnight, e.g. `05-NOV-2025 14:30`. */
export function formatDateTime(day: number, minuteOfDay: number): string {
  const hour = Math.floor(minuteOfDay / 60);
  return `${formatDate(day)} ${TWO_DIGITS[hour]}:${TWO_DIGITS[minuteOfDay % 60]}`;
}

const EAM_DATE = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z)?)?$/;

/**
 * Parses `05-NOV-2025[ 14:30[:00]]` (any letter case) or ISO `2025-11-05[T14:30[:00]][Z]` into
 * minutes since 1970-01-01 UTC, dropping seconds. Returns NaN for other text.
 * Times carry no zone, so they are read as UTC like the generated values.
 */
export function parseDateTime(text: string): number {
  let year: number, month: number, day: number, hour = 0, minute = 0;
  let match = EAM_DATE.exec(text);
  if (match) {
    const monthIndex = MONTH_NUMBER.get(match[2].toUpperCase());
    if (monthIndex === undefined) return NaN;
    [year, month, day] = [Number(match[3]), monthIndex + 1, Number(match[1])];
    if (match[4] !== undefined) [hour, minute] = [Number(match[4]), Number(match[5])];
  } else {
    match = ISO_DATE.exec(text);
    if (!match) return NaN;
    [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    if (match[4] !== undefined) [hour, minute] = [Number(match[4]), Number(match[5])];
  }
  const days = dayNumber(year, month, day);
  // Date.UTC rolls 31-FEB over into March, but such text is invalid, not a later date.
  if (formatDate(days) !== `${TWO_DIGITS[day]}-${MONTHS[month - 1]}-${year}`) return NaN;
  if (hour > 23 || minute > 59) return NaN;
  return days * MINUTES_PER_DAY + hour * 60 + minute;
}

/**
 * Parses a number as EAM grids show it, with optional thousands separators (`12,345.50`).
 * Returns NaN for other text, including "".
 */
export function parseAmount(text: string): number {
  const plain = text.includes(",") ? text.replaceAll(",", "") : text;
  if (plain.trim() === "") return NaN;
  return Number(plain);
}

/** Formats an amount in cents with thousands separators and 2 decimals, e.g. `-12,345.50`. */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const absolute = Math.abs(Math.round(cents));
  const whole = Math.floor(absolute / 100);
  return `${sign}${groupThousands(whole)}.${TWO_DIGITS[absolute % 100]}`;
}

function groupThousands(value: number): string {
  const digits = String(value);
  if (digits.length <= 3) return digits;
  const head = digits.length % 3 || 3;
  let text = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 3) text += "," + digits.slice(i, i + 3);
  return text;
}

/** Left-pads a non-negative integer with zeros to `width` digits. */
export function padNumber(value: number, width: number): string {
  return String(value).padStart(width, "0");
}
