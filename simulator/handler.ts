/**
 * The PEMS simulator: an in-process stand-in for HxGN EAM's `POST .../axis/restservices/griddata`
 * that serves deterministic generated rows for the grids CUPFAG (PFA), OSOBJA (assets) and
 * OSCATG (classifications).
 *
 * Tests can make it misbehave on demand: inject faults (errors, latency, broken bodies), insert
 * and delete rows while a client pages through them, put bad values into cells, and change the
 * grids' fields. Its request log shows what a client sent.
 *
 * @example
 * ```ts
 * const simulator = createSimulator({ pfaRows: { RIO: 200_000 } });
 * Deno.serve({ hostname: "127.0.0.1", port: 8070 }, simulator.handle);
 * simulator.setFaults([{ kind: "status", status: 503, times: 1 }]);
 * ```
 *
 * @module
 */

import type { Credentials } from "./auth.ts";
import type { FieldChanges } from "./field_changes.ts";
import { FaultPlan } from "./fault_plan.ts";
import { type SimulatorFault, validateFaults } from "./faults.ts";
import { rejectionResponse, serveGridData } from "./grid_endpoint.ts";
import { QueryEngine } from "./query.ts";
import { GridRequestError } from "./request_error.ts";
import { DEFAULT_REQUEST_LOG_SIZE, RequestLog, type RequestLogEntry } from "./request_log.ts";
import { errorResponse } from "./response.ts";
import { MAX_REVISION } from "./revisions.ts";
import { type BadCell, baseGrid, RowStore } from "./row_store.ts";
import { MAX_PFA_ROWS } from "./settings.ts";

export { parseRowsSetting } from "./settings.ts";
export type { FaultKind, FaultMatch, FaultScope, SimulatorFault } from "./faults.ts";
export { validateFaults } from "./faults.ts";
export type { FieldChanges } from "./field_changes.ts";
export type { RequestLogEntry } from "./request_log.ts";
export type { BadCell } from "./row_store.ts";

/** Configuration of a simulator. */
export interface SimulatorOptions {
  /**
   * PFA rows per organization. Each of RIO, HOLNG, BECH and PORTARTHUR has 20,000 unless listed
   * here, and listed organizations are added. At most 9,000,000 per organization.
   */
  pfaRows?: Record<string, number>;
  /** Asset rows per organization, default 3,700, at most 1,000,000. */
  assetRows?: number;
  /** Classification rows per organization, default 1,200, at most 9,900. */
  classificationRows?: number;
  /** Data revision, default 0 (the base data), at most 100,000. */
  revision?: number;
  /** Seed of the generated values, default 1. */
  seed?: number;
  /** Required value of the `tenant` header, default "DEMO_DEV". Other values get HTTP 401. */
  tenant?: string;
  /** Basic auth user name, default "pems". */
  username?: string;
  /** Basic auth password, default "pems-demo". */
  password?: string;
  /** When set, an `X-API-Key` header with this value is accepted in place of Basic auth. */
  apiKey?: string;
  /** Faults from the start, as {@linkcode Simulator.setFaults} sets them. */
  faults?: SimulatorFault[];
  /** Bad cells from the start, as {@linkcode Simulator.setBadCells} sets them. */
  badCells?: BadCell[];
  /** Field changes from the start, as {@linkcode Simulator.setFieldChanges} sets them. */
  fieldChanges?: FieldChanges[];
  /** Number of requests {@linkcode Simulator.requestLog} keeps, default 1,000. */
  requestLogSize?: number;
}

/** A running simulator. */
export interface Simulator {
  /**
   * Serves a request. Any path ending in `/griddata` is the grid data endpoint, so the handler
   * can be mounted under a prefix. Other paths get 404.
   */
  handle(request: Request): Promise<Response>;
  /** Switches to another data revision (0 restores the base data). */
  setRevision(revision: number): void;
  /** Current data revision. */
  readonly revision: number;
  /** Sets the PFA row count of an organization, adding the organization when it is new. */
  setPfaRows(organization: string, rows: number): void;
  /**
   * Returns the row count of a grid (by `GRID_NAME`) for an organization, after inserted and
   * deleted rows, or 0 when the organization is unknown.
   */
  rowCount(grid: string, organization: string): number;
  /**
   * Returns one row (0-based index in key order) as alias name -> cell text, as a client
   * reading the grid now gets it: with inserted rows, bad cells and field changes.
   */
  row(grid: string, organization: string, index: number): Record<string, string>;
  /** Number of requests `handle` has received, including rejected ones. */
  readonly requestCount: number;

  /**
   * Replaces the faults and resets their counters. Throws an Error naming the bad field, such
   * as `faults[0].match.cursorPosition`.
   */
  setFaults(faults: readonly SimulatorFault[]): void;
  /** Removes all faults. */
  clearFaults(): void;
  /** Number of requests each fault of the last `setFaults` call has hit, in list order. */
  readonly faultHits: number[];
  /** The last received requests (see `requestLogSize`), oldest first. */
  readonly requestLog: RequestLogEntry[];
  /** Empties the request log. */
  clearRequestLog(): void;

  /**
   * Inserts `count` rows right after row `afterIndex` (default: after the last row) and returns
   * their keys in order. A key is the key of the generated row before it plus capital letters,
   * such as "1000005N", which sorts between "1000005" and "1000006", so rows after the insert
   * move to higher cursor positions. The other cells copy that generated row. Throws a
   * RangeError when the organization has no rows or an argument is out of range.
   */
  insertRows(grid: string, organization: string, count: number, afterIndex?: number): string[];
  /**
   * Deletes rows given by 0-based index or by key, so rows after them move to lower cursor
   * positions. Throws a RangeError for an index out of range or a key not found.
   */
  deleteRows(grid: string, organization: string, rows: readonly (number | string)[]): void;
  /**
   * Replaces all bad cells, such as `31-FEB-2025` in a DATE column or "" in the key. A bad cell
   * stays with its row when other rows are inserted or deleted. An empty list removes them.
   */
  setBadCells(cells: readonly BadCell[]): void;
  /**
   * Replaces all field changes (one entry per grid). They change FIELDS in HEAD replies, the
   * cells of data rows and the aliases that filters and sorts accept. An empty list restores
   * the generated fields.
   */
  setFieldChanges(changes: FieldChanges | readonly FieldChanges[]): void;
  /** Drops inserted and deleted rows, bad cells and field changes. Faults stay. */
  resetChanges(): void;
}

/** Organizations that have rows unless the options add more. */
export const DEFAULT_ORGANIZATIONS: readonly string[] = ["RIO", "HOLNG", "BECH", "PORTARTHUR"];
/** Largest asset row count: `obj_code` ends in a 6-digit index. */
export const MAX_ASSET_ROWS = 1_000_000;
/** Largest classification row count: `cat_code` = 1000 + 10 * index + 0..9 keeps 5 digits. */
export const MAX_CLASSIFICATION_ROWS = 9_900;
/** Largest `requestLogSize`. */
export const MAX_REQUEST_LOG_SIZE = 1_000_000;

/** Creates a simulator. Throws an Error naming the option when one is invalid. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  return new PemsSimulator(options);
}

class PemsSimulator implements Simulator {
  /** Bound, so `Deno.serve(options, simulator.handle)` works. */
  readonly handle = (request: Request): Promise<Response> => this.serve(request);
  private requests = 0;
  private readonly tenant: string;
  private readonly credentials: Credentials;
  private readonly store: RowStore;
  private readonly engine: QueryEngine;
  private readonly log: RequestLog;
  private faultPlan = new FaultPlan([]);

  constructor(options: SimulatorOptions) {
    this.tenant = options.tenant ?? "DEMO_DEV";
    this.credentials = {
      username: options.username ?? "pems",
      password: options.password ?? "pems-demo",
      apiKey: options.apiKey,
    };
    if (this.credentials.username.includes(":")) {
      throw new Error(`invalid username "${this.credentials.username}": ":" is not allowed`);
    }

    const seed = options.seed ?? 1;
    if (!Number.isSafeInteger(seed)) throw new Error(`invalid seed ${seed}: expected an integer`);
    const pfaRows = new Map(DEFAULT_ORGANIZATIONS.map((organization) => [organization, 20_000]));
    for (const [organization, rows] of Object.entries(options.pfaRows ?? {})) {
      checkOrganization(organization);
      pfaRows.set(organization, checkCount(`pfaRows.${organization}`, rows, MAX_PFA_ROWS));
    }
    this.store = new RowStore({
      seed,
      assetRows: checkCount("assetRows", options.assetRows ?? 3_700, MAX_ASSET_ROWS),
      classificationRows: checkCount(
        "classificationRows",
        options.classificationRows ?? 1_200,
        MAX_CLASSIFICATION_ROWS,
      ),
      revision: checkRevision(options.revision ?? 0),
      pfaRows,
    });
    this.engine = new QueryEngine(this.store);

    const logSize = options.requestLogSize ?? DEFAULT_REQUEST_LOG_SIZE;
    this.log = new RequestLog(checkCount("requestLogSize", logSize, MAX_REQUEST_LOG_SIZE));
    if (options.faults !== undefined) this.setFaults(options.faults);
    if (options.fieldChanges !== undefined) this.setFieldChanges(options.fieldChanges);
    if (options.badCells !== undefined) this.setBadCells(options.badCells);
  }

  get revision(): number {
    return this.store.revision();
  }

  get requestCount(): number {
    return this.requests;
  }

  get faultHits(): number[] {
    return this.faultPlan.hitCounts();
  }

  get requestLog(): RequestLogEntry[] {
    return this.log.entries();
  }

  setRevision(revision: number): void {
    this.store.setRevision(checkRevision(revision));
  }

  setPfaRows(organization: string, rows: number): void {
    checkOrganization(organization);
    const count = checkCount(`PFA rows of ${organization}`, rows, MAX_PFA_ROWS);
    this.store.setPfaRows(organization, count);
  }

  rowCount(grid: string, organization: string): number {
    return this.store.rowCount(baseGrid(grid), organization);
  }

  row(grid: string, organization: string, index: number): Record<string, string> {
    return this.store.row(grid, organization, index);
  }

  setFaults(faults: readonly SimulatorFault[]): void {
    this.faultPlan = new FaultPlan(structuredClone(validateFaults(faults)));
  }

  clearFaults(): void {
    this.faultPlan = new FaultPlan([]);
  }

  clearRequestLog(): void {
    this.log.clear();
  }

  insertRows(grid: string, organization: string, count: number, afterIndex?: number): string[] {
    return this.store.insertRows(grid, organization, count, afterIndex);
  }

  deleteRows(grid: string, organization: string, rows: readonly (number | string)[]): void {
    this.store.deleteRows(grid, organization, rows);
  }

  setBadCells(cells: readonly BadCell[]): void {
    this.store.setBadCells(cells);
  }

  setFieldChanges(changes: FieldChanges | readonly FieldChanges[]): void {
    this.store.setFieldChanges(Array.isArray(changes) ? changes : [changes as FieldChanges]);
  }

  resetChanges(): void {
    this.store.resetChanges();
  }

  private async serve(request: Request): Promise<Response> {
    this.requests++;
    const entry = this.log.start(request);
    const response = await this.respond(request, entry);
    entry.status = response.status;
    return response;
  }

  private async respond(request: Request, entry: RequestLogEntry): Promise<Response> {
    const path = entry.path;
    if (!path.endsWith("/griddata")) {
      return errorResponse(404, "NotFound", `no resource at ${path}: use POST .../griddata`);
    }
    if (request.method !== "POST") {
      const message = `method ${request.method} is not allowed on ${path}: use POST`;
      return errorResponse(405, "MethodNotAllowed", message, { allow: "POST" });
    }
    try {
      const endpoint = {
        tenant: this.tenant,
        credentials: this.credentials,
        store: this.store,
        engine: this.engine,
        faultPlan: this.faultPlan,
      };
      return await serveGridData(endpoint, request, entry);
    } catch (error) {
      if (error instanceof GridRequestError) return rejectionResponse(error);
      console.error(JSON.stringify({
        level: "error",
        message: "pems simulator failed to serve a request",
        path,
        error: error instanceof Error ? error.stack ?? error.message : String(error),
      }));
      return errorResponse(
        500,
        "InternalError",
        "simulator failed to serve the request: see its log",
      );
    }
  }
}

function checkCount(name: string, value: number, max: number): number {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`invalid ${name} ${value}: expected an integer from 0 to ${max}`);
  }
  return value;
}

function checkRevision(revision: number): number {
  if (!Number.isInteger(revision) || revision < 0 || revision > MAX_REVISION) {
    throw new Error(`invalid revision ${revision}: expected an integer from 0 to ${MAX_REVISION}`);
  }
  return revision;
}

function checkOrganization(organization: string): void {
  if (!/^[^\s,=]+$/.test(organization)) {
    throw new Error(
      `invalid organization code "${organization}": spaces, "," and "=" are not allowed`,
    );
  }
}
