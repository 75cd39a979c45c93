/**
 * The PEMS simulator: an in-process stand-in for HxGN EAM's `POST .../axis/restservices/griddata`
 * that serves deterministic generated rows for the grids CUPFAG (PFA), OSOBJA (assets) and
 * OSCATG (classifications).
 *
 * @example
 * ```ts
 * const simulator = createSimulator({ pfaRows: { RIO: 200_000 } });
 * Deno.serve({ hostname: "127.0.0.1", port: 8070 }, simulator.handle);
 * ```
 *
 * @module
 */

import { RowGenerator } from "./generator.ts";
import { authenticate, authorizationFailed, type Credentials } from "./auth.ts";
import { ASSET_GRID, findGridByName, type GridDefinition, GRIDS, PFA_GRID } from "./grids.ts";
import { QueryEngine, type RowSource } from "./query.ts";
import { parseGridQuery } from "./request.ts";
import { GridRequestError, invalidRequest } from "./request_error.ts";
import { errorResponse, gridResponse } from "./response.ts";
import { MAX_REVISION } from "./revisions.ts";
import { MAX_PFA_ROWS } from "./settings.ts";

export { parseRowsSetting } from "./settings.ts";

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
  /** Returns the row count of a grid (by `GRID_NAME`) for an organization; 0 when unknown. */
  rowCount(grid: string, organization: string): number;
  /** Returns one row (0-based index in key order) as alias name -> cell text. */
  row(grid: string, organization: string, index: number): Record<string, string>;
  /** Number of requests `handle` has received, including rejected ones. */
  readonly requestCount: number;
}

/** Organizations that have rows unless the options add more. */
export const DEFAULT_ORGANIZATIONS: readonly string[] = ["RIO", "HOLNG", "BECH", "PORTARTHUR"];
/** Largest asset row count: `obj_code` ends in a 6-digit index. */
export const MAX_ASSET_ROWS = 1_000_000;
/** Largest classification row count: `cat_code` = 1000 + 10 * index + 0..9 keeps 5 digits. */
export const MAX_CLASSIFICATION_ROWS = 9_900;

const GRID_NAMES = GRIDS.map((grid) => grid.name).join(", ");

/** Creates a simulator. Throws an Error naming the option when one is invalid. */
export function createSimulator(options: SimulatorOptions = {}): Simulator {
  return new PemsSimulator(options);
}

class PemsSimulator implements Simulator {
  /** Bound, so `Deno.serve(options, simulator.handle)` works. */
  readonly handle = (request: Request): Promise<Response> => this.serve(request);
  private currentRevision: number;
  private requests = 0;
  private readonly tenant: string;
  private readonly credentials: Credentials;
  private readonly assetRows: number;
  private readonly classificationRows: number;
  private readonly pfaRows: Map<string, number>;
  private readonly organizations: string[];
  private readonly generator: RowGenerator;
  private readonly engine: QueryEngine;

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
    this.assetRows = checkCount("assetRows", options.assetRows ?? 3_700, MAX_ASSET_ROWS);
    this.classificationRows = checkCount(
      "classificationRows",
      options.classificationRows ?? 1_200,
      MAX_CLASSIFICATION_ROWS,
    );
    const seed = options.seed ?? 1;
    if (!Number.isSafeInteger(seed)) throw new Error(`invalid seed ${seed}: expected an integer`);
    this.currentRevision = checkRevision(options.revision ?? 0);

    this.pfaRows = new Map(DEFAULT_ORGANIZATIONS.map((organization) => [organization, 20_000]));
    for (const [organization, rows] of Object.entries(options.pfaRows ?? {})) {
      checkOrganization(organization);
      this.pfaRows.set(organization, checkCount(`pfaRows.${organization}`, rows, MAX_PFA_ROWS));
    }
    this.organizations = [...this.pfaRows.keys()];
    this.generator = new RowGenerator({
      seed,
      assetRows: this.assetRows,
      classificationRows: this.classificationRows,
    });
    this.engine = new QueryEngine(this.rowSource());
  }

  get revision(): number {
    return this.currentRevision;
  }

  get requestCount(): number {
    return this.requests;
  }

  setRevision(revision: number): void {
    this.currentRevision = checkRevision(revision);
  }

  setPfaRows(organization: string, rows: number): void {
    checkOrganization(organization);
    this.pfaRows.set(organization, checkCount(`PFA rows of ${organization}`, rows, MAX_PFA_ROWS));
    if (!this.organizations.includes(organization)) this.organizations.push(organization);
  }

  rowCount(grid: string, organization: string): number {
    return this.countRows(gridNamed(grid), organization);
  }

  row(gridName: string, organization: string, index: number): Record<string, string> {
    const grid = gridNamed(gridName);
    const count = this.countRows(grid, organization);
    if (!Number.isInteger(index) || index < 0 || index >= count) {
      throw new RangeError(
        `row index ${index} out of range for ${grid.name} ${organization}: it has ${count} rows`,
      );
    }
    const cells = this.generator.generate(grid, organization, index, this.currentRevision);
    return Object.fromEntries(grid.fields.map((field, column) => [field.name, cells[column]]));
  }

  private async serve(request: Request): Promise<Response> {
    this.requests++;
    const path = new URL(request.url).pathname;
    if (!path.endsWith("/griddata")) {
      return errorResponse(404, "NotFound", `no resource at ${path}: use POST .../griddata`);
    }
    if (request.method !== "POST") {
      const message = `method ${request.method} is not allowed on ${path}: use POST`;
      return errorResponse(405, "MethodNotAllowed", message, { allow: "POST" });
    }
    try {
      return await this.serveGridData(request);
    } catch (error) {
      if (error instanceof GridRequestError) {
        const headers: Record<string, string> = error.status === 401
          ? { "www-authenticate": 'Basic realm="pems-simulator"' }
          : {};
        return errorResponse(error.status, error.alertName, error.message, headers);
      }
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

  private async serveGridData(request: Request): Promise<Response> {
    const tenant = requiredHeader(request.headers, "tenant");
    const organization = requiredHeader(request.headers, "organization");
    authenticate(request.headers, this.credentials);
    if (tenant !== this.tenant) throw authorizationFailed(`unknown tenant "${tenant}"`);

    const query = parseGridQuery(await readJsonBody(request));
    const plan = this.engine.plan(query, organization);
    const page = query.requestType === "LIST.DATA_ONLY.STORED"
      ? this.engine.page(plan, query.cursor, query.pageSize)
      : this.engine.page(plan, 1, 0);
    // One response reflects one revision even if setRevision runs while it is built.
    const revision = this.currentRevision;
    return gridResponse(
      query,
      page,
      (rowOrganization, index) =>
        this.generator.generate(query.grid, rowOrganization, index, revision),
    );
  }

  private countRows(grid: GridDefinition, organization: string): number {
    if (!this.pfaRows.has(organization)) return 0;
    if (grid === PFA_GRID) return this.pfaRows.get(organization)!;
    return grid === ASSET_GRID ? this.assetRows : this.classificationRows;
  }

  private rowSource(): RowSource {
    return {
      organizations: this.organizations,
      revision: () => this.currentRevision,
      rowCount: (grid, organization) => this.countRows(grid, organization),
      cells: (grid, organization, index) =>
        this.generator.generate(grid, organization, index, this.currentRevision),
    };
  }
}

function gridNamed(name: string): GridDefinition {
  const grid = findGridByName(name);
  if (!grid) throw new Error(`unknown grid "${name}": use one of ${GRID_NAMES}`);
  return grid;
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
