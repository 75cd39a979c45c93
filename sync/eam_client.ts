/**
 * Client of the HxGN EAM Grid Data endpoint (`POST …/axis/restservices/griddata`): column
 * definitions, row counts and pages of rows, with a time limit and retries per request.
 *
 * @module
 */

import { timeEamRequest } from "../lib/metrics.ts";
import { networkError, protocolError, timeoutError } from "./eam_error.ts";
import { buildGridRequest, type GridQuery } from "./grid_request.ts";
import {
  decodeCount,
  decodeFields,
  decodePage,
  type GridField,
  type GridPage,
  readResultData,
} from "./grid_response.ts";
import { parseRetryAfter, retryEamRequest, type RetryInfo, type RetryOptions } from "./retry.ts";

export type { GridField, GridPage, GridRow } from "./grid_response.ts";

/** Credentials for EAM: HTTP Basic, an `X-API-Key` header, or none. */
export type EamAuth =
  | { type: "basic"; username: string; password: string }
  | { type: "apiKey"; key: string }
  | { type: "none" };

/** Endpoint URL, credentials, tenant and organization of a Grid Data connection. */
export interface EamConnection {
  /** Full URL of the endpoint, such as https://host/axis/restservices/griddata. */
  url: string;
  auth: EamAuth;
  /** Value of the `tenant` header: the EAM tenant code, such as "ACME_DEV". */
  tenant: string;
  /** Value of the `organization` header: the EAM organization code. */
  organization: string;
  /** Extra headers, such as `role` or `apiversion`. They override the headers set above. */
  headers?: Record<string, string>;
  /** Time limit per request in milliseconds, including reading the body. Default 60,000. */
  timeoutMs?: number;
}

/** Options of {@link createEamClient}. */
export interface EamClientOptions {
  /** Fetch implementation. Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Retry limits and delays. See {@link RetryOptions} for defaults. */
  retry?: RetryOptions;
  /** Called before each wait between attempts, for example to log the retry. */
  onRetry?: (info: RetryInfo) => void;
}

/**
 * Grid Data requests on one connection. Every method retries what may succeed on retry and
 * throws {@link EamError} when the request fails for good. Invalid queries throw RangeError
 * before anything is sent.
 */
export interface EamClient {
  /** Fetches the grid's columns with a LIST.HEAD_ONLY.STORED request. */
  fetchFields(query: GridQuery): Promise<GridField[]>;
  /** Counts the rows that match the query with a LIST.COUNT.STORED request. */
  count(query: GridQuery): Promise<number>;
  /**
   * Fetches up to `pageSize` rows from `cursorPosition` on with a LIST.DATA_ONLY.STORED
   * request. Cells are named with `fields`, unless the response carries its own FIELDS.
   */
  fetchPage(
    query: GridQuery,
    cursorPosition: number,
    pageSize: number,
    fields: GridField[],
  ): Promise<GridPage>;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Creates a client for the connection. Nothing is sent until a method is called.
 *
 * @throws {TypeError} when the URL is not an absolute http(s) URL, the tenant, organization or
 * credentials are empty, the username contains ":", a header is invalid, or `timeoutMs` is not
 * a positive number.
 */
export function createEamClient(
  connection: EamConnection,
  options: EamClientOptions = {},
): EamClient {
  const transport = createTransport(connection, options.fetch ?? fetch);
  const post = (body: Record<string, unknown>): Promise<unknown> => {
    const json = JSON.stringify(body);
    const requestType = String(body.REQUEST_TYPE);
    return retryEamRequest(
      () => timeEamRequest(requestType, () => sendOnce(transport, json)),
      options.retry,
      options.onRetry,
    );
  };

  return {
    async fetchFields(query) {
      const resultData = await post(buildGridRequest(query, "LIST.HEAD_ONLY.STORED"));
      const fields = decodeFields(resultData);
      if (fields === undefined || fields.length === 0) {
        throw protocolError(
          `has no FIELDS.FIELD columns for grid "${query.grid.name}"`,
          undefined,
          "check the grid name, grid id and dataspy id",
        );
      }
      return fields;
    },

    async count(query) {
      return decodeCount(await post(buildGridRequest(query, "LIST.COUNT.STORED")));
    },

    async fetchPage(query, cursorPosition, pageSize, fields) {
      const page = { cursorPosition, pageSize };
      const resultData = await post(buildGridRequest(query, "LIST.DATA_ONLY.STORED", page));
      const responseFields = decodeFields(resultData);
      const columns = responseFields !== undefined && responseFields.length > 0
        ? responseFields
        : fields;
      return decodePage(resultData, columns, cursorPosition, pageSize);
    },
  };
}

/** The validated settings that every request of a client uses. */
interface Transport {
  endpoint: URL;
  headers: Headers;
  timeoutMs: number;
  fetch: typeof fetch;
}

function createTransport(connection: EamConnection, fetchFunction: typeof fetch): Transport {
  const endpoint = parseEndpoint(connection.url);
  const headers = requestHeaders(connection);
  const timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw new TypeError(`invalid EAM timeoutMs ${timeoutMs}: expected a positive number`);
  }
  return { endpoint, headers, timeoutMs, fetch: fetchFunction };
}

/** Sends one request and returns `Result.ResultData`. The time limit covers the whole body. */
async function sendOnce(transport: Transport, body: string): Promise<unknown> {
  const { endpoint, headers, timeoutMs } = transport;
  const signal = AbortSignal.timeout(timeoutMs);
  let response: Response;
  let text: string;
  try {
    response = await transport.fetch(endpoint, { method: "POST", headers, body, signal });
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw timeoutError(timeoutMs, error);
    throw networkError(endpoint.host, error);
  }
  const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
  return readResultData(response.status, text, retryAfterMs);
}

function parseEndpoint(url: string): URL {
  const endpoint = URL.parse(url);
  if (endpoint === null || (endpoint.protocol !== "http:" && endpoint.protocol !== "https:")) {
    throw new TypeError(
      `invalid EAM URL "${withoutUserInfo(url)}": expected an absolute http(s) URL such as ` +
        `https://host/axis/restservices/griddata`,
    );
  }
  if (endpoint.username !== "" || endpoint.password !== "") {
    throw new TypeError(
      "invalid EAM URL: it contains credentials, move them to the auth settings",
    );
  }
  return endpoint;
}

/** Masks a "user:password@" part so that an error message never shows a password. */
function withoutUserInfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#@]*@/i, "$1***@");
}

function requestHeaders(connection: EamConnection): Headers {
  requireValue("EAM tenant", connection.tenant);
  requireValue("EAM organization", connection.organization);
  const headers = new Headers({
    "content-type": "application/json",
    "accept": "application/json",
  });
  setHeader(headers, "tenant", connection.tenant);
  setHeader(headers, "organization", connection.organization);

  const auth = connection.auth;
  if (auth.type === "basic") {
    requireValue("EAM username", auth.username);
    requireValue("EAM password", auth.password);
    if (auth.username.includes(":")) {
      throw new TypeError(
        `invalid EAM username "${auth.username}": Basic authentication does not allow ":"`,
      );
    }
    headers.set("authorization", `Basic ${base64(`${auth.username}:${auth.password}`)}`);
  } else if (auth.type === "apiKey") {
    requireValue("EAM API key", auth.key);
    setHeader(headers, "x-api-key", auth.key);
  }

  for (const [name, value] of Object.entries(connection.headers ?? {})) {
    setHeader(headers, name, value);
  }
  return headers;
}

// The TypeError of Headers quotes the value, which may be a secret, so it is replaced.
function setHeader(headers: Headers, name: string, value: string): void {
  try {
    headers.set(name, value);
  } catch {
    throw new TypeError(
      `invalid EAM header "${name}": names must be tokens and values must not contain ` +
        `line breaks or characters beyond Latin-1`,
    );
  }
}

function requireValue(label: string, value: string): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TypeError(`${label} is empty: set it in the API configuration`);
  }
}

function base64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}
