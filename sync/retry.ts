/**
 * Retries of EAM requests that may succeed when repeated: timeouts, network errors, and HTTP
 * 429, 502, 503 and 504. Waits grow exponentially with full jitter, and a Retry-After header
 * replaces the computed wait.
 *
 * @module
 */

import { EamError } from "./eam_error.ts";

/** Settings of {@link retryEamRequest}. Every field is optional. */
export interface RetryOptions {
  /** Maximum number of requests, the first one included. Default 5. */
  maxAttempts?: number;
  /** Upper bound of the first wait, in milliseconds. Default 500. */
  baseDelayMs?: number;
  /** Growth of the wait bound per attempt. Default 2. */
  factor?: number;
  /** Maximum single wait in milliseconds. Default 30,000. */
  maxDelayMs?: number;
  /** Maximum sum of all waits in milliseconds. Default 120,000. */
  maxTotalWaitMs?: number;
  /** Waits the given milliseconds. Default: a timer. Tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
  /** Returns a number in [0, 1) that scales each wait. Default `Math.random`. */
  random?: () => number;
}

/** Details of one retry, passed to the `onRetry` callback before the wait. */
export interface RetryInfo {
  /** Number of the attempt that failed, from 1. */
  attempt: number;
  /** Wait before the next attempt, in milliseconds. */
  delayMs: number;
  error: EamError;
}

const DEFAULTS = {
  maxAttempts: 5,
  baseDelayMs: 500,
  factor: 2,
  maxDelayMs: 30_000,
  maxTotalWaitMs: 120_000,
};

/**
 * Runs `request` until it succeeds, fails with an error that is not retryable, or the limits
 * in `options` are reached. `request` receives the attempt number, from 1.
 *
 * Each wait is a random fraction of `baseDelayMs * factor ** (attempt - 1)`, capped at
 * `maxDelayMs` and at the wait budget left. When the error carries a Retry-After wait, that
 * wait is used instead. It ends the retries when it exceeds `maxDelayMs` or the budget left.
 *
 * @throws {RangeError} when `maxAttempts` is not a positive integer or another limit is
 * negative.
 * @throws {EamError} the last error. After more than one attempt it is a copy whose message
 * and `attempts` give the number of attempts. Errors other than EamError pass through at once.
 */
export async function retryEamRequest<T>(
  request: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
  onRetry?: (info: RetryInfo) => void,
): Promise<T> {
  const settings = { ...DEFAULTS, ...withoutUndefined(options) };
  validateSettings(settings);
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  let totalWaitMs = 0;

  for (let attempt = 1;; attempt++) {
    try {
      return await request(attempt);
    } catch (error) {
      if (!(error instanceof EamError)) throw error;
      const delayMs = error.retryable && attempt < settings.maxAttempts
        ? nextDelayMs(error, attempt, settings, settings.maxTotalWaitMs - totalWaitMs, random)
        : undefined;
      if (delayMs === undefined) throw withAttempts(error, attempt);

      onRetry?.({ attempt, delayMs, error });
      totalWaitMs += delayMs;
      await sleep(delayMs);
    }
  }
}

/**
 * Parses a Retry-After header, either delay seconds or an HTTP date, into milliseconds.
 * Returns undefined when the header is absent or unreadable. A date in the past gives 0.
 */
export function parseRetryAfter(header: string | null, nowMs = Date.now()): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // An HTTP date names the weekday and month, so text without letters is no date.
  if (!/[a-z]/i.test(value)) return undefined;
  const dateMs = Date.parse(value);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
}

/** Returns the wait before the next attempt, or undefined when retrying must stop. */
function nextDelayMs(
  error: EamError,
  attempt: number,
  settings: typeof DEFAULTS,
  budgetMs: number,
  random: () => number,
): number | undefined {
  if (error.retryAfterMs !== undefined) {
    const fits = error.retryAfterMs <= settings.maxDelayMs && error.retryAfterMs <= budgetMs;
    return fits ? error.retryAfterMs : undefined;
  }
  if (budgetMs <= 0) return undefined;
  const bound = Math.min(
    settings.maxDelayMs,
    settings.baseDelayMs * settings.factor ** (attempt - 1),
  );
  return Math.min(Math.floor(random() * bound), budgetMs);
}

function validateSettings(settings: typeof DEFAULTS): void {
  if (!Number.isSafeInteger(settings.maxAttempts) || settings.maxAttempts < 1) {
    throw new RangeError(
      `invalid retry maxAttempts ${settings.maxAttempts}: expected a positive integer`,
    );
  }
  for (const key of ["baseDelayMs", "factor", "maxDelayMs", "maxTotalWaitMs"] as const) {
    const value = settings[key];
    if (!(value >= 0)) {
      throw new RangeError(`invalid retry ${key} ${value}: expected a number of 0 or more`);
    }
  }
}

function withAttempts(error: EamError, attempts: number): EamError {
  if (attempts === 1) return error;
  return new EamError(`${error.message} (gave up after ${attempts} attempts)`, {
    kind: error.kind,
    status: error.status,
    retryable: error.retryable,
    retryAfterMs: error.retryAfterMs,
    attempts,
    cause: error,
  });
}

function withoutUndefined(options: RetryOptions): Partial<typeof DEFAULTS> {
  const defined: Partial<typeof DEFAULTS> = {};
  for (const key of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const value = options[key];
    if (value !== undefined) defined[key] = value;
  }
  return defined;
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
