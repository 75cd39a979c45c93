import type { SyncProgress } from "../sync/progress.ts";
import { entityLabel, rowId, syncButtonId } from "./config_row.tsx";
import { formatCount, formatDuration, formatTimeLeft } from "./format.ts";

/** Names of the SSE events of the HTML progress stream. Each event carries one fragment below. */
export const progressEvents = { status: "status", details: "details", done: "done" } as const;

/** Renders the short status line, which sits in an `aria-live` region: `Processing: 45%`. */
export function ProgressStatus(props: { progress: SyncProgress }) {
  const { status, percent } = props.progress;
  if (status === "queued") return <>Waiting for the sync worker…</>;
  if (status === "running") return <>Processing: {percent}%</>;
  if (status === "completed") return <>Completed: 100%</>;
  if (status === "failed") return <>Failed at {percent}%</>;
  return <>Cancelled at {percent}%</>;
}

function batchText(progress: SyncProgress): string {
  const total = progress.totalBatches === null ? "?" : String(progress.totalBatches);
  return `Batch ${progress.currentBatch}/${total}`;
}

/** Renders the batch, progress bar and counts of a run. */
export function ProgressDetails(props: { progress: SyncProgress }) {
  const progress = props.progress;
  const timeLeft = progress.status === "running"
    ? formatTimeLeft(progress.processedRecords, progress.totalRecords, progress.durationMs)
    : formatDuration(0);
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
    ["Elapsed", formatDuration(progress.durationMs)],
    ["Time left (estimate)", timeLeft],
  ];
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

/** Renders the final message of a run and a refresh of its table row with the new statistics. */
export function ProgressOutcome(props: { progress: SyncProgress }) {
  const progress = props.progress;
  let message;
  if (progress.status === "completed") {
    const counts = [
      `${formatCount(progress.insertedRecords)} inserted`,
      `${formatCount(progress.updatedRecords)} updated`,
      `${formatCount(progress.unchangedRecords)} unchanged`,
      `${formatCount(progress.errorRecords)} errors`,
    ];
    message = (
      <p class="alert alert-success">
        Sync completed in {formatDuration(progress.durationMs)}:{" "}
        {formatCount(progress.processedRecords)} records processed ({counts.join(", ")}).
      </p>
    );
  } else if (progress.status === "failed") {
    message = (
      <p class="alert alert-error" role="alert">
        Sync failed: {progress.error ?? "the server gave no reason"}
      </p>
    );
  } else {
    message = <p class="alert alert-warning">The sync was cancelled.</p>;
  }
  return (
    <>
      {message}
      <RowRefresh configId={progress.apiConfigId} />
    </>
  );
}

/**
 * Renders the progress modal. While the run is active, the modal connects to the HTML progress
 * stream with htmx-ext-sse, which swaps each event into its element and closes the connection on
 * `done`.
 */
export function ProgressModal(props: { progress: SyncProgress; configName: string }) {
  const progress = props.progress;
  const active = progress.status === "queued" || progress.status === "running";
  const sse = active
    ? {
      "hx-ext": "sse",
      "sse-connect": `/admin/syncs/${progress.syncId}/stream`,
      "sse-close": progressEvents.done,
    }
    : {};
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
        {progress.mode === "incremental" ? "Incremental" : "Full"} sync of{" "}
        {entityLabel(progress.entity)}
      </p>
      <div class="progress" {...sse}>
        <p class="progress-status" aria-live="polite" sse-swap={progressEvents.status}>
          <ProgressStatus progress={progress} />
        </p>
        <div sse-swap={progressEvents.details}>
          <ProgressDetails progress={progress} />
        </div>
        <div class="outcome" aria-live="polite" sse-swap={progressEvents.done}>
          {active
            ? <RowRefresh configId={progress.apiConfigId} />
            : <ProgressOutcome progress={progress} />}
        </div>
      </div>
      <div class="modal-actions">
        <button type="button" class="button button-secondary" data-close-dialog>Close</button>
      </div>
    </dialog>
  );
}
