/**
 * The error type of the EAM client, and its constructors for each way a request can fail.
 *
 * Messages never contain credentials, the Authorization header or a whole response body.
 *
 * @module
 */

/**
 * Category of a failure: the credentials ("auth"), an HTTP status ("http"), the time limit
 * ("timeout"), the connection ("network"), an ErrorAlert from EAM ("alert"), or the shape of the
 * response ("protocol").
 */
export type EamErrorKind = "auth" | "http" | "timeout" | "network" | "alert" | "protocol";

/** Options of {@link EamError}. `attempts` defaults to 1. */
export interface EamErrorOptions {
  kind: EamErrorKind;
  retryable: boolean;
  status?: number;
  retryAfterMs?: number;
  attempts?: number;
  cause?: unknown;
}

/** A failed EAM request. `retryable` is true when the same request may succeed later. */
export class EamError extends Error {
  readonly kind: EamErrorKind;
  /** HTTP status of the response, when there was one. */
  readonly status?: number;
  readonly retryable: boolean;
  /** Wait that the server asked for in a Retry-After header, in milliseconds. */
  readonly retryAfterMs?: number;
  /** Number of requests sent before giving up. */
  readonly attempts: number;

  constructor(message: string, options: EamErrorOptions) {
    super(message, { cause: options.cause });
    this.name = "EamError";
    this.kind = options.kind;
    this.status = options.status;
    this.retryable = options.retryable;
    this.retryAfterMs = options.retryAfterMs;
    this.attempts = options.attempts ?? 1;
  }
}

/** Maximum number of characters of a response body or alert that a message quotes. */
export const MAX_QUOTED_CHARS = 200;

/** HTTP statuses that a later retry may turn into success: 429, 502, 503 and 504. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/** Returns at most the first {@link MAX_QUOTED_CHARS} characters of `text`, on one line. */
export function quote(text: string): string {
  const oneLine = text.replace(/\s+/g, " ").trim();
  return oneLine.length <= MAX_QUOTED_CHARS ? oneLine : `${oneLine.slice(0, MAX_QUOTED_CHARS)}…`;
}

/** An ErrorAlert entry as EAM sends it: `{ Name, Message }`. */
export interface EamAlert {
  Name?: string;
  Message?: string;
}

/** Creates the error for an ErrorAlert, sent with HTTP 200 or an error status. Never retryable. */
export function alertError(alerts: EamAlert[], status: number): EamError {
  const first = alerts[0];
  const text = quote(first.Message || first.Name || "(no message)");
  const more = alerts.length > 1 ? ` and ${alerts.length - 1} more alerts` : "";
  // A 5xx alert is a failure inside EAM, not a problem with the request.
  const advice = status >= 500
    ? "EAM failed while answering: try again later, or ask the EAM administrator"
    : "check the grid, dataspy, filters and organization of the request";
  return new EamError(
    `EAM returned ErrorAlert "${text}"${more} (HTTP ${status}): ${advice}`,
    { kind: "alert", status, retryable: false },
  );
}

/**
 * Creates the error for an HTTP error status without an ErrorAlert.
 * `bodyText` is quoted only when it is not JSON, and then only its start.
 */
export function statusError(
  status: number,
  bodyText: string,
  retryAfterMs: number | undefined,
): EamError {
  if (status === 401) {
    return new EamError(
      "EAM rejected the credentials (HTTP 401): update them in the API configuration",
      { kind: "auth", status, retryable: false },
    );
  }
  if (status === 403) {
    return new EamError(
      "EAM denied access (HTTP 403): check that the user may read this grid in the tenant " +
        "and organization of the API configuration",
      { kind: "auth", status, retryable: false },
    );
  }

  const retryable = RETRYABLE_STATUSES.has(status);
  const advice = retryable
    ? "EAM is overloaded or unavailable, try again later"
    : "check the URL and the request";
  const body = bodyText.trim() === "" || looksLikeJson(bodyText) ? "" : `: "${quote(bodyText)}"`;
  const wait = retryAfterMs === undefined
    ? ""
    : ` with Retry-After ${Math.ceil(retryAfterMs / 1000)} s`;
  return new EamError(`EAM returned HTTP ${status}${wait}${body}; ${advice}`, {
    kind: "http",
    status,
    retryable,
    retryAfterMs,
  });
}

/**
 * Creates the error for a response whose body or structure is not a Grid Data response.
 * `advice` defaults to checking the endpoint URL, because a wrong URL often returns HTML.
 */
export function protocolError(
  problem: string,
  status?: number,
  advice = "check that the URL points to …/axis/restservices/griddata",
): EamError {
  const response = status === undefined ? "EAM response" : `EAM response (HTTP ${status})`;
  return new EamError(`${response} ${problem}: ${advice}`, {
    kind: "protocol",
    status,
    retryable: false,
  });
}

/** Creates the error for a request that hit its time limit. */
export function timeoutError(timeoutMs: number, cause: unknown): EamError {
  return new EamError(
    `EAM request timed out after ${timeoutMs} ms: raise timeoutMs or lower the page size`,
    { kind: "timeout", retryable: true, cause },
  );
}

/** Creates the error for a request that failed before a complete response arrived. */
export function networkError(host: string, cause: unknown): EamError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new EamError(
    `EAM request to ${host} failed: ${quote(reason)}; check the URL and the network`,
    { kind: "network", retryable: true, cause },
  );
}

function looksLikeJson(text: string): boolean {
  const start = text.trimStart()[0];
  return start === "{" || start === "[";
}
