/**
 * Picks the faults that hit a request, counting matches and hits per fault as
 * {@linkcode SimulatorFault} describes.
 *
 * @module
 */

import type { SimulatorFault } from "./faults.ts";
import type { RequestType } from "./request.ts";

/** The request fields that faults match on. */
export interface FaultTarget {
  requestType: RequestType;
  /** Only LIST.DATA_ONLY.STORED requests have a cursor position. */
  cursorPosition?: number;
  grid: string;
  organization: string;
}

/** The faults that hit one request. */
export interface FaultDecision {
  /** Sum of the `ms` of the latency faults that hit. */
  latencyMs: number;
  /** The fault that decides the response, if any besides latency. */
  fault?: Exclude<SimulatorFault, { kind: "latency" }>;
  /** Every fault that hit, in list order. */
  hits: SimulatorFault[];
}

/** A list of faults with their match and hit counters. */
export class FaultPlan {
  readonly faults: readonly SimulatorFault[];
  private readonly matched: number[];
  private readonly hits: number[];

  constructor(faults: readonly SimulatorFault[]) {
    this.faults = faults;
    this.matched = faults.map(() => 0);
    this.hits = faults.map(() => 0);
  }

  /** Counts the request against each fault and returns the faults that hit it. */
  select(target: FaultTarget): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0, hits: [] };
    this.faults.forEach((fault, index) => {
      if (!matches(fault, target)) return;
      this.matched[index]++;
      const active = this.matched[index] > (fault.skip ?? 0) &&
        this.hits[index] < (fault.times ?? Infinity);
      if (!active) return;
      if (fault.kind === "latency") {
        decision.latencyMs += fault.ms;
      } else if (decision.fault === undefined) {
        decision.fault = fault;
      } else {
        return;
      }
      this.hits[index]++;
      decision.hits.push(fault);
    });
    return decision;
  }

  /** Returns how many requests each fault has hit, in list order. */
  hitCounts(): number[] {
    return [...this.hits];
  }
}

function matches(fault: SimulatorFault, target: FaultTarget): boolean {
  const match = fault.match;
  if (match === undefined) return true;
  if (match.requestType !== undefined && match.requestType !== target.requestType) return false;
  if (match.cursorPosition !== undefined && match.cursorPosition !== target.cursorPosition) {
    return false;
  }
  if (match.grid !== undefined && match.grid.toUpperCase() !== target.grid) return false;
  return match.organization === undefined || match.organization === target.organization;
}
