import type { SyncStatus } from "../db/sync_runs.ts";

const statusLabels: Record<SyncStatus, string> = {
  queued: "Queued",
  running: "Running",
  completed: "Completed",
  failed: "Failed",
  cancelled: "Cancelled",
};

/** Returns the display name of a run status, such as "Cancelled". */
export function runStatusLabel(status: SyncStatus): string {
  return statusLabels[status];
}

/** Renders a run's status as a colored badge with its name. */
export function RunStatusBadge(props: { status: SyncStatus }) {
  return <span class={`badge badge-run-${props.status}`}>{statusLabels[props.status]}</span>;
}

/** Returns the display name of a run mode. */
export function runModeLabel(mode: string): string {
  return mode === "incremental" ? "Incremental" : "Full";
}
