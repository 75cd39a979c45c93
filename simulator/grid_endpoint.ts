/**
 * The grid data endpoint of the simulator: checks a request, applies the faults that hit it and
 * builds the response from the row store.
 *
 * @module
 */

import { authenticate, authorizationFailed, type Credentials } from "./auth.ts";
import type { FaultDecision, FaultPlan } from "./fault_plan.ts";
import {
  type BodyFault,
  bodyFaultResponse,
  type ErrorFault,
  errorFaultResponse,
} from "./fault_responses.ts";
import type { QueryEngine, ResultPage } from "./query.ts";
import { parseGridQuery } from "./request.ts";
import { GridRequestError, invalidRequest } from "./request_error.ts";
import { describeQuery, type RequestLogEntry } from "./request_log.ts";
import { errorResponse, gridBody, gridResponse, JSON_HEADERS } from "./response.ts";
import type { RowStore } from "./row_store.ts";

/** Inputs of the endpoint: accepted credentials, the data and the current faults. */
export interface GridEndpoint {
  tenant: string;
  credentials: Credentials;
  store: RowStore;
  engine: QueryEngine;
  faultPlan: FaultPlan;
}

const ERROR_ALERT_MESSAGE = "simulated fault: EAM reported an error";

type DecidingFault = NonNullable<FaultDecision["fault"]>;

/**
 * Serves one grid data request and fills in its log entry. Throws a GridRequestError for a
 * request that is rejected (missing header, bad credentials, invalid body).
 */
export async function serveGridData(
  endpoint: GridEndpoint,
  request: Request,
  entry: RequestLogEntry,
): Promise<Response> {
  const { store, engine, faultPlan } = endpoint;
  const tenant = requiredHeader(request.headers, "tenant");
  const organization = requiredHeader(request.headers, "organization");
  authenticate(request.headers, endpoint.credentials);
  if (tenant !== endpoint.tenant) throw authorizationFailed(`unknown tenant "${tenant}"`);

  const query = parseGridQuery(await readJsonBody(request), store.grids());
  describeQuery(entry, query);
  const isPage = query.requestType === "LIST.DATA_ONLY.STORED";
  let fault: DecidingFault | undefined;
  if (faultPlan.faults.length > 0) {
    const decision = faultPlan.select({
      requestType: query.requestType,
      cursorPosition: isPage ? query.cursor : undefined,
      grid: query.grid.name,
      organization,
    });
    entry.faults = decision.hits.map((hit) => hit.kind);
    fault = decision.fault;
    if (decision.latencyMs > 0) await delay(decision.latencyMs);
  }
  if (fault !== undefined && isErrorFault(fault)) return errorFaultResponse(fault);

  const plan = engine.plan(query, organization);
  let page = isPage ? engine.page(plan, query.cursor, query.pageSize) : engine.page(plan, 1, 0);
  if (isPage && fault?.kind === "short_page") page = shortenPage(page, fault.rows);
  if (isPage) entry.rows = page.rows.length;
  // One response reflects one revision even if setRevision runs while it is built.
  const cells = store.cellReader(query.grid, store.revision());
  if (fault === undefined) return gridResponse(query, page, cells);

  const alerts = fault.kind === "error_alert"
    ? [{ Name: fault.name ?? "InternalError", Message: fault.message ?? ERROR_ALERT_MESSAGE }]
    : [];
  const body = gridBody(query, page, cells, alerts);
  if (isBodyFault(fault)) return bodyFaultResponse(fault, body);
  return new Response(body, { status: 200, headers: JSON_HEADERS });
}

/** Returns the response to a request that failed with `error`. */
export function rejectionResponse(error: GridRequestError): Response {
  const headers: Record<string, string> = error.status === 401
    ? { "www-authenticate": 'Basic realm="pems-simulator"' }
    : {};
  return errorResponse(error.status, error.alertName, error.message, headers);
}

function isErrorFault(fault: DecidingFault): fault is ErrorFault {
  return fault.kind === "status" || fault.kind === "rate_limit" ||
    fault.kind === "bad_credentials";
}

function isBodyFault(fault: DecidingFault): fault is BodyFault {
  return fault.kind === "reset" || fault.kind === "hang" || fault.kind === "malformed_json";
}

/** Keeps the first `rows` rows of a page (default: half), if that is fewer than it has. */
function shortenPage(page: ResultPage, rows: number | undefined): ResultPage {
  const keep = rows ?? Math.floor(page.rows.length / 2);
  return keep >= page.rows.length ? page : { ...page, rows: page.rows.slice(0, keep) };
}

/**
 * Waits `ms` milliseconds, also when the client leaves meanwhile, so `server.shutdown()` waits
 * for it. Deno 2.9.6 aborts `request.signal` on a client disconnect only while the request body
 * is still being read, which for bodies of about 500 bytes or more has already finished here.
 */
function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function requiredHeader(headers: Headers, name: string): string {
  const value = headers.get(name)?.trim();
  if (!value) {
    throw new GridRequestError(400, "MissingHeader", `missing required header ${name}`);
  }
  return value;
}

async function readJsonBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === "") throw invalidRequest("missing request body: send the grid request JSON");
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`invalid JSON body: ${(error as Error).message}`);
  }
}
