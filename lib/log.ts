/** Log levels in increasing severity. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
let threshold: LogLevel = "info";

/** Sets the lowest level that is written. Default "info". */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/**
 * Writes one JSON line: `{"level", "time", "msg", ...fields}`. Errors in fields are reduced to
 * their name and message. Callers pass ids (runId, organization, page), never secrets.
 */
export function log(level: LogLevel, msg: string, fields: Record<string, unknown> = {}): void {
  if (rank[level] < rank[threshold]) return;
  const entry: Record<string, unknown> = { level, time: new Date().toISOString(), msg };
  for (const [key, value] of Object.entries(fields)) {
    entry[key] = value instanceof Error ? describeError(value) : value;
  }
  const line = JSON.stringify(entry);
  if (rank[level] >= rank.warn) console.error(line);
  else console.log(line);
}

function describeError(error: Error): Record<string, unknown> {
  const cause = error.cause instanceof Error ? describeError(error.cause) : undefined;
  return { name: error.name, message: error.message, ...(cause ? { cause } : {}) };
}
