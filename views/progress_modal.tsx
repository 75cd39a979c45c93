import type { SyncProgress } from "../sync/progress.ts";
import { entityLabel, rowId, syncButtonId } from "./config_row.tsx";
import { formatCount, formatDuration, formatTimeLeft } from "./format.ts";
import { runModeLabel } from "./run_status.tsx";

/** Names of the SSE events of the HTML progress stream. Each event carries one fragment below. */
export const progressEvents = { status: "status", details: "details", done: "done" } as const;

/** Returns the path of a run's page. */
export function syncRunPath(syncId: string): string {
  return `/admin/syncs/${syncId}`;
}

/** Renders the short status line, which sits in an `aria-live` region: `Processing: 45%`. */
export function ProgressStatus(props: { progress: SyncProgress }) {
  const { status, percent, cancelRequested } = props.progress;
  if (status === "queued") return <>Waiting for the sync worker…</>;
  if (status === "running" && cancelRequested) {
    return <>Stopping after the current batch: {percent}%</>;
  }
  if (status === "running") return <>Processing: {percent}%</>;
  if (status === "completed") return <>Completed: 100%</>;
  if (status === "failed") return <>Failed at {percent}%</>;
  return <>Cancelled at {percent}%</>;
}

function batchText(progress: SyncProgress): string {
  const total = progress.totalBatches === null ? "?" : String(progress.totalBatches);
  return `Batch ${progress.currentBatch}/${total}`;
}

function ErrorSamples(props: { samples: string[] }) {
  if (props.samples.length === 0) return null;
  // Keys only matter for client-side rendering, and hono would print them as attributes.
  // deno-lint-ignore jsx-key
  const items = props.samples.map((sample) => <li>{sample}</li>);
  return (
    <div class="error-samples">
      <p class="error-samples-title">First rows with errors</p>
      <ul>{items}</ul>
    </div>
  );
}

/** Renders the batch, progress bar, counts and first error reasons of a run. */
export function ProgressDetails(props: { progress: SyncProgress }) {
  const progress = props.progress;
  const active = progress.status === "queued" || progress.status === "running";
  const figures: [string, string][] = [
    [
      "Records processed",
      progress.totalRecords === null
        ? formatCount(progress.processedRecords)
        : `${formatCount(progress.processedRecords)} of ${formatCount(progress.totalRecords)}`,
    ],
    ["Inserted", formatCount(progress.insertedRecords)],
    ["Updated", formatCount(progress.updatedRecords)],
    ["Unchanged", formatCount(progress.unchangedRecords)],
    ["Errors", formatCount(progress.errorRecords)],
  ];
  if (progress.deletedRecords > 0) {
    figures.push(["Marked deleted", formatCount(progress.deletedRecords)]);
  }
  figures.push(["Elapsed", formatDuration(progress.durationMs)]);
  if (active) {
    const { processedRecords, totalRecords, durationMs } = progress;
    figures.push([
      "Time left (estimate)",
      formatTimeLeft(processedRecords, totalRecords, durationMs),
    ]);
  }
  return (
    <>
      <p class="batch">{batchText(progress)}</p>
      <progress
        class="progress-bar"
        max={100}
        value={progress.percent}
        aria-label="Sync progress"
      >
        {progress.percent}%
      </progress>
      <dl class="figures">
        {figures.map(([term, value]) => (
          <div class={term === "Errors" && progress.errorRecords > 0 ? "has-errors" : undefined}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <ErrorSamples samples={progress.errorSamples} />
      {progress.notice && <p class="muted notice">{progress.notice}</p>}
    </>
  );
}

/** Renders an element that reloads a configuration's table row as soon as htmx inserts it. */
export function RowRefresh(props: { configId: number }) {
  return (
    <div
      hidden
      hx-get={`/admin/configs/${props.configId}/row`}
      hx-trigger="load"
      hx-target={`#${rowId(props.configId)}`}
      hx-swap="outerHTML"
    >
    </div>
  );
}

function outcomeCounts(progress: SyncProgress): string {
  const counts = [
    `${formatCount(progress.insertedRecords)} inserted`,
    `${formatCount(progress.updatedRecords)} updated`,
    `${formatCount(progress.unchangedRecords)} unchanged`,
    `${formatCount(progress.errorRecords)} errors`,
  ];
  if (progress.deletedRecords > 0) {
    counts.push(`${formatCount(progress.deletedRecords)} marked deleted`);
  }
  return counts.join(", ");
}

/**
 * Renders the final message of a run. With `refreshRow` (the default), it also reloads the run's
 * row of the connectivity table, which then shows the new statistics.
 */
export function ProgressOutcome(props: { progress: SyncProgress; refreshRow?: boolean }) {
  const progress = props.progress;
  let message;
  if (progress.status === "completed") {
    message = (
      <p class="alert alert-success">
        Sync completed in {formatDuration(progress.durationMs)}:{" "}
        {formatCount(progress.processedRecords)} records processed ({outcomeCounts(progress)}).
      </p>
    );
  } else if (progress.status === "failed") {
    message = (
      <p class="alert alert-error" role="alert">
        Sync failed: {progress.error ?? "the server gave no reason"}
      </p>
    );
  } else {
    message = (
      <p class="alert alert-warning">
        Sync cancelled after {formatCount(progress.processedRecords)}{" "}
        records. The rows written before the cancel stay; nothing was marked deleted.
      </p>
    );
  }
  return (
    <>
      {message}
      {props.refreshRow !== false && <RowRefresh configId={progress.apiConfigId} />}
    </>
  );
}

/** Renders the message that replaces the Cancel button once a cancel was requested. */
export function CancelRequested() {
  return (
    <p class="cancel-requested" role="status">
      Cancel requested: the sync stops after its current batch.
    </p>
  );
}

function CancelButton(props: { syncId: string }) {
  return (
    <button
      type="button"
      class="button button-danger"
      hx-post={`${syncRunPath(props.syncId)}/cancel`}
      hx-target="this"
      hx-swap="outerHTML"
      hx-disabled-elt="this"
    >
      <span class="idle-label">Cancel sync</span>
      <span class="busy-label">Cancelling…</span>
    </button>
  );
}

/** Options of {@linkcode ProgressPanel}. */
export interface ProgressPanelProps {
  progress: SyncProgress;
  /** Shows the Cancel button while the run is active: for admins and operators. */
  canCancel: boolean;
  /** Reloads the run's connectivity table row at the end; false on pages without the table. */
  refreshRow: boolean;
}

/**
 * Renders a run's status, figures and outcome. While the run is active, the panel connects to
 * the HTML progress stream with htmx-ext-sse, which swaps each event into its element and
 * closes the connection on `done`. The `done` fragment replaces the Cancel button.
 */
export function ProgressPanel(props: ProgressPanelProps) {
  const { progress, canCancel, refreshRow } = props;
  const active = progress.status === "queued" || progress.status === "running";
  const stream = `${syncRunPath(progress.syncId)}/stream${refreshRow ? "" : "?refreshRow=false"}`;
  const sse = active
    ? { "hx-ext": "sse", "sse-connect": stream, "sse-close": progressEvents.done }
    : {};
  return (
    <div class="progress" {...sse}>
      <p class="progress-status" aria-live="polite" sse-swap={progressEvents.status}>
        <ProgressStatus progress={progress} />
      </p>
      <div sse-swap={progressEvents.details}>
        <ProgressDetails progress={progress} />
      </div>
      <div class="outcome" aria-live="polite" sse-swap={progressEvents.done}>
        {!active && <ProgressOutcome progress={progress} refreshRow={refreshRow} />}
        {active && refreshRow && <RowRefresh configId={progress.apiConfigId} />}
        {active && canCancel && progress.cancelRequested && <CancelRequested />}
        {active && canCancel && !progress.cancelRequested && (
          <CancelButton syncId={progress.syncId} />
        )}
      </div>
    </div>
  );
}

/** Renders the progress modal of a run: the progress panel, a link to the run's page and Close. */
export function ProgressModal(props: {
  progress: SyncProgress;
  configName: string;
  canCancel: boolean;
}) {
  const progress = props.progress;
  return (
    <dialog
      class="modal modal-progress"
      id="progress-dialog"
      aria-labelledby="progress-title"
      data-auto-open
      data-return-focus={syncButtonId(progress.apiConfigId)}
    >
      <h2 id="progress-title">
        Sync of {props.configName} · {progress.organization}
      </h2>
      <p class="muted">
        {runModeLabel(progress.mode)} sync of {entityLabel(progress.entity)}
      </p>
      <ProgressPanel progress={progress} canCancel={props.canCancel} refreshRow />
      <div class="modal-actions">
        <a class="button button-secondary" href={syncRunPath(progress.syncId)}>Run details</a>
        <button type="button" class="button button-secondary" data-close-dialog>Close</button>
      </div>
    </dialog>
  );
}
