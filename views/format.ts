/** Text shown for a value that is missing. */
export const emptyValue = "—";

const countFormat = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

function toDate(value: Date | string | null | undefined): Date | undefined {
  if (value === null || value === undefined) return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function dateParts(date: Date, timeZone: string): Record<string, string> {
  const format = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  });
  return Object.fromEntries(format.formatToParts(date).map((part) => [part.type, part.value]));
}

/** Formats a date as `MMM DD, YYYY` (`Nov 25, 2025`) in `timeZone`, UTC by default. */
export function formatDate(value: Date | string | null | undefined, timeZone = "UTC"): string {
  const date = toDate(value);
  if (!date) return emptyValue;
  const parts = dateParts(date, timeZone);
  return `${parts.month} ${parts.day}, ${parts.year}`;
}

/** Formats a time as `MMM DD, YYYY HH:MM`, 24-hour, in `timeZone`, UTC by default. */
export function formatDateTime(value: Date | string | null | undefined, timeZone = "UTC"): string {
  const date = toDate(value);
  if (!date) return emptyValue;
  const parts = dateParts(date, timeZone);
  return `${parts.month} ${parts.day}, ${parts.year} ${parts.hour}:${parts.minute}`;
}

/** Formats the time of day as `HH:MM:SS`, 24-hour, in `timeZone`, UTC by default. */
export function formatTime(value: Date | string | null | undefined, timeZone = "UTC"): string {
  const date = toDate(value);
  if (!date) return emptyValue;
  const parts = dateParts(date, timeZone);
  return `${parts.hour}:${parts.minute}:${parts.second}`;
}

/** Returns the ISO 8601 form of a time for a `<time datetime>` attribute, or undefined. */
export function isoTime(value: Date | string | null | undefined): string | undefined {
  return toDate(value)?.toISOString();
}

/** Formats a count with thousands separators (`1,234,567`). */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return emptyValue;
  return countFormat.format(value);
}

/** Formats a duration in milliseconds as `m:ss`, or `h:mm:ss` from one hour on. */
export function formatDuration(milliseconds: number | null | undefined): string {
  if (milliseconds === null || milliseconds === undefined || !Number.isFinite(milliseconds)) {
    return emptyValue;
  }
  const totalSeconds = Math.max(0, Math.round(milliseconds / 1000));
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, "0");
  if (hours > 0) return `${hours}:${String(minutes).padStart(2, "0")}:${seconds}`;
  return `${minutes}:${seconds}`;
}

/**
 * Estimates the time left of a run from its average rate so far, as {@linkcode formatDuration}
 * text. The rate changes with page latency, so this is only an estimate.
 */
export function formatTimeLeft(
  processed: number,
  total: number | null,
  elapsedMilliseconds: number | null,
): string {
  if (total === null || elapsedMilliseconds === null || elapsedMilliseconds <= 0) {
    return emptyValue;
  }
  if (processed >= total) return formatDuration(0);
  if (processed <= 0) return emptyValue;
  const remaining = ((total - processed) * elapsedMilliseconds) / processed;
  return formatDuration(Math.ceil(remaining / 1000) * 1000);
}

/** Returns the host (with port) of a URL, or the text itself when it is not a valid URL. */
export function urlHost(url: string): string {
  try {
    return new URL(url).host || url;
  } catch {
    return url;
  }
}
