/**
 * The last requests a simulator received, so tests can check what a client sent: how many
 * retries, which cursor positions, which filters.
 *
 * @module
 */

import type { FaultKind } from "./faults.ts";
import type { FilterNode } from "./filter.ts";
import type { GridQuery, RequestType } from "./request.ts";

/** One received request. Fields from the body are absent when the body was not valid. */
export interface RequestLogEntry {
  /** Number of the request since the simulator was created, from 1. */
  sequence: number;
  method: string;
  path: string;
  /** Value of the `organization` header, "" when absent. */
  organization: string;
  requestType?: RequestType;
  /** Served `GRID_NAME`. */
  grid?: string;
  /** `CURSOR_POSITION` as sent, on LIST.DATA_ONLY.STORED requests. */
  cursorPosition?: number;
  /** Rows requested, on LIST.DATA_ONLY.STORED requests. */
  pageSize?: number;
  /** Filters as text, such as `pfs_a_org = RIO AND pfs_id > 1000005`, or "" without filters. */
  filters: string;
  /** Sort as text, such as `pfs_id ASC`, or "" without a sort. */
  sort: string;
  /**
   * HTTP status sent, or 0 while the response is pending (during a latency fault). Reset and
   * hang faults send 200 and then break the body.
   */
  status: number;
  /** Rows sent, on LIST.DATA_ONLY.STORED requests that got a page. */
  rows?: number;
  /** Kinds of the faults that hit the request, in list order. */
  faults: FaultKind[];
}

/** Default number of entries a simulator keeps. */
export const DEFAULT_REQUEST_LOG_SIZE = 1_000;

/** A ring buffer of the last `capacity` requests. */
export class RequestLog {
  private readonly capacity: number;
  private readonly ring: RequestLogEntry[] = [];
  private next = 0;
  private sequence = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
  }

  /** Adds an entry for a new request and returns it, so the caller can fill it in. */
  start(request: Request): RequestLogEntry {
    const entry: RequestLogEntry = {
      sequence: ++this.sequence,
      method: request.method,
      path: new URL(request.url).pathname,
      organization: request.headers.get("organization") ?? "",
      filters: "",
      sort: "",
      status: 0,
      faults: [],
    };
    if (this.capacity === 0) return entry;
    if (this.ring.length < this.capacity) {
      this.ring.push(entry);
    } else {
      this.ring[this.next] = entry;
      this.next = (this.next + 1) % this.capacity;
    }
    return entry;
  }

  /** Returns the kept entries, oldest first. */
  entries(): RequestLogEntry[] {
    return [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
  }

  /** Drops the kept entries. Sequence numbers continue. */
  clear(): void {
    this.ring.length = 0;
    this.next = 0;
  }
}

/** Copies the parsed request's fields into a log entry. */
export function describeQuery(entry: RequestLogEntry, query: GridQuery): void {
  entry.requestType = query.requestType;
  entry.grid = query.grid.name;
  if (query.requestType === "LIST.DATA_ONLY.STORED") {
    entry.cursorPosition = query.cursor;
    entry.pageSize = query.pageSize;
  }
  entry.filters = query.filter === null ? "" : describeFilter(query.filter, true);
  if (query.sort !== null) {
    const alias = query.grid.fields[query.sort.column].name;
    entry.sort = `${alias} ${query.sort.descending ? "DESC" : "ASC"}`;
  }
}

function describeFilter(node: FilterNode, top: boolean): string {
  if (node.kind === "condition") {
    return node.value === ""
      ? `${node.alias} ${node.operator}`
      : `${node.alias} ${node.operator} ${node.value}`;
  }
  const text = node.children.map((child) => describeFilter(child, false))
    .join(node.kind === "and" ? " AND " : " OR ");
  return top ? text : `(${text})`;
}
