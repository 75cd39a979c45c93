/**
 * The error type for requests that the simulator rejects with a vendor `ErrorAlert`.
 *
 * @module
 */

/** A rejected request: its HTTP status, the `ErrorAlert` name and a message for the client. */
export class GridRequestError extends Error {
  /** HTTP status of the error response. */
  readonly status: number;
  /** `ErrorAlert[].Name` of the error response. */
  readonly alertName: string;

  constructor(status: number, alertName: string, message: string) {
    super(message);
    this.name = "GridRequestError";
    this.status = status;
    this.alertName = alertName;
  }
}

/** Returns an HTTP 400 error for an invalid request body. */
export function invalidRequest(message: string): GridRequestError {
  return new GridRequestError(400, "InvalidRequest", message);
}

/** Returns `raw` as a JSON object or throws a 400 naming `where`. */
export function asObject(raw: unknown, where: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw invalidRequest(`invalid ${where}: expected a JSON object, got ${describeValue(raw)}`);
  }
  return raw as Record<string, unknown>;
}

/** Returns a value as JSON text for an error message, cut to 60 characters. */
export function describeValue(raw: unknown): string {
  const text = JSON.stringify(raw) ?? String(raw);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
