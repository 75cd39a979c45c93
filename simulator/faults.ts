/**
 * Fault injection: the faults a simulator can respond to grid requests with, and their validation.
 *
 * A fault applies to authenticated, valid grid requests, which would otherwise get HTTP 200.
 * See {@linkcode SimulatorFault} for the kinds and how `match`, `skip` and `times` pick the
 * requests it hits.
 *
 * @module
 */

import { GRIDS } from "./grids.ts";
import type { RequestType } from "./request.ts";

/** Kind of a fault, which decides how it breaks the requests it hits. */
export type FaultKind =
  | "latency"
  | "status"
  | "rate_limit"
  | "reset"
  | "hang"
  | "malformed_json"
  | "error_alert"
  | "short_page"
  | "bad_credentials";

/** Request fields that select the requests a fault applies to. Each given field must equal the request's. */
export interface FaultMatch {
  requestType?: RequestType;
  /** `CURSOR_POSITION` as sent. Only LIST.DATA_ONLY.STORED requests have one. */
  cursorPosition?: number;
  /** `GRID_NAME`, compared without regard to case. */
  grid?: string;
  /** Value of the `organization` header. */
  organization?: string;
}

/** Fields that every fault kind has. */
export interface FaultScope {
  /** Requests the fault applies to. Absent matches every request. */
  match?: FaultMatch;
  /** Number of matching requests the fault hits. Default: every one. */
  times?: number;
  /** Number of matching requests that pass before the fault hits. Default 0. */
  skip?: number;
}

/**
 * A fault and its parameters. Faults are checked in list order for each request, and each one
 * counts the requests it matches. Every `latency` fault that hits delays the response. The first
 * hitting fault of another kind decides the response, and later ones neither hit nor use up
 * their `times`.
 *
 * - `latency`: waits `ms` milliseconds, then responds (normally, or as another fault decides).
 *   The wait runs its full length even when the client leaves. For a response that never
 *   comes, use `hang`.
 * - `status`: HTTP `status` (500, 502, 503 or 504, default 503). `body` "alert" (default) sends
 *   an `ErrorAlert` with `message`, "html" a gateway error page, "empty" nothing.
 * - `rate_limit`: HTTP 429 with `Retry-After: retryAfterSeconds` (default 1) and an ErrorAlert.
 * - `reset`: HTTP 200 with the full Content-Length, then the first `bytes` bytes of the body
 *   (default: half of it), then the connection closes.
 * - `hang`: HTTP 200 headers and the first `bytes` bytes of the body (default 0), then nothing
 *   until the client goes away, or until `ms` milliseconds pass when given, when the
 *   connection closes.
 * - `malformed_json`: HTTP 200 with the first `bytes` bytes of the body (default: half of it),
 *   which is not valid JSON.
 * - `error_alert`: HTTP 200 with the normal `Result` and a top-level `ErrorAlert` entry of
 *   `name` (default "InternalError") and `message`.
 * - `short_page`: on LIST.DATA_ONLY.STORED requests, only the first `rows` rows of the page
 *   (default: half of them, rounded down), with MORERECORDPRESENT "+" and CURRENTCURSORPOSITION
 *   at the last row sent. It changes nothing when the page has no more rows than `rows`, and
 *   nothing on other request types.
 * - `bad_credentials`: HTTP 401 "Authorization failed", whatever the credentials.
 */
export type SimulatorFault =
  & FaultScope
  & (
    | { kind: "latency"; ms: number }
    | {
      kind: "status";
      status?: 500 | 502 | 503 | 504;
      message?: string;
      body?: "alert" | "html" | "empty";
    }
    | { kind: "rate_limit"; retryAfterSeconds?: number; message?: string }
    | { kind: "reset"; bytes?: number }
    | { kind: "hang"; bytes?: number; ms?: number }
    | { kind: "malformed_json"; bytes?: number }
    | { kind: "error_alert"; name?: string; message?: string }
    | { kind: "short_page"; rows?: number }
    | { kind: "bad_credentials"; message?: string }
  );

/** Longest `latency` and `hang` wait, in milliseconds (10 minutes). */
export const MAX_FAULT_WAIT_MS = 600_000;

type Check = (value: unknown, where: string) => void;

const integer = (min: number, max: number): Check => (value, where) => {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new Error(`invalid ${where} ${show(value)}: expected an integer from ${min} to ${max}`);
  }
};
const oneOf = (choices: readonly unknown[]): Check => (value, where) => {
  if (!choices.includes(value)) {
    throw new Error(`invalid ${where} ${show(value)}: use one of ${choices.join(", ")}`);
  }
};
const text: Check = (value, where) => {
  if (typeof value !== "string" || value === "") {
    throw new Error(`invalid ${where} ${show(value)}: expected a non-empty string`);
  }
};

const BYTES = integer(0, Number.MAX_SAFE_INTEGER);
const PARAMETERS: Record<FaultKind, Record<string, Check>> = {
  latency: { ms: integer(0, MAX_FAULT_WAIT_MS) },
  status: {
    status: oneOf([500, 502, 503, 504]),
    message: text,
    body: oneOf(["alert", "html", "empty"]),
  },
  rate_limit: { retryAfterSeconds: integer(0, 86_400), message: text },
  reset: { bytes: BYTES },
  hang: { bytes: BYTES, ms: integer(1, MAX_FAULT_WAIT_MS) },
  malformed_json: { bytes: BYTES },
  error_alert: { name: text, message: text },
  short_page: { rows: integer(0, Number.MAX_SAFE_INTEGER) },
  bad_credentials: { message: text },
};
const KINDS = Object.keys(PARAMETERS) as FaultKind[];
const SCOPE: Record<string, Check> = {
  match: checkMatch,
  times: integer(1, Number.MAX_SAFE_INTEGER),
  skip: integer(0, Number.MAX_SAFE_INTEGER),
};
const MATCH: Record<string, Check> = {
  requestType: oneOf(["LIST.COUNT.STORED", "LIST.DATA_ONLY.STORED", "LIST.HEAD_ONLY.STORED"]),
  cursorPosition: integer(0, Number.MAX_SAFE_INTEGER),
  grid: (value, where) => {
    text(value, where);
    oneOf(GRIDS.map((grid) => grid.name))(String(value).toUpperCase(), where);
  },
  organization: text,
};

/**
 * Checks a list of faults, such as parsed `PEMS_SIM_FAULTS` JSON, and returns it typed. Throws an
 * Error that names the bad field as a path from `where`, such as `faults[1].match.grid`.
 */
export function validateFaults(raw: unknown, where = "faults"): SimulatorFault[] {
  if (!Array.isArray(raw)) throw new Error(`invalid ${where}: expected an array of faults`);
  raw.forEach((fault, index) => checkFault(fault, `${where}[${index}]`));
  return raw as SimulatorFault[];
}

function checkFault(raw: unknown, where: string): void {
  const fault = objectAt(raw, where);
  if (fault.kind === undefined) {
    throw new Error(`missing ${where}.kind: use one of ${KINDS.join(", ")}`);
  }
  oneOf(KINDS)(fault.kind, `${where}.kind`);
  const kind = fault.kind as FaultKind;
  const fields: Record<string, Check> = { ...SCOPE, ...PARAMETERS[kind] };
  checkFields(fault, fields, where, `a ${kind} fault`, ["kind"]);
  if (kind === "latency" && fault.ms === undefined) {
    throw new Error(`missing ${where}.ms: a latency fault needs its delay in milliseconds`);
  }
}

function checkMatch(raw: unknown, where: string): void {
  checkFields(objectAt(raw, where), MATCH, where, "match", []);
}

function checkFields(
  object: Record<string, unknown>,
  fields: Record<string, Check>,
  where: string,
  what: string,
  known: string[],
): void {
  for (const [name, value] of Object.entries(object)) {
    if (known.includes(name) || value === undefined) continue;
    const check = fields[name];
    if (check === undefined) {
      throw new Error(
        `unknown field ${where}.${name} in ${what}: use ${
          [...known, ...Object.keys(fields)].join(", ")
        }`,
      );
    }
    check(value, `${where}.${name}`);
  }
}

function objectAt(raw: unknown, where: string): Record<string, unknown> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error(`invalid ${where} ${show(raw)}: expected an object`);
  }
  return raw as Record<string, unknown>;
}

function show(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}
