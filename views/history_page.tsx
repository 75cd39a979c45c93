import type { ApiConfiguration } from "../db/api_configurations.ts";
import type { SyncHistoryEntry } from "../db/sync_history.ts";
import type { User } from "../db/users.ts";
import { toSyncProgress } from "../sync/progress.ts";
import { entityLabel, historyPath } from "./config_row.tsx";
import { ErrorText } from "./error_text.tsx";
import { emptyValue, formatCount, formatDuration } from "./format.ts";
import { Breadcrumbs, Layout } from "./layout.tsx";
import { LocalTime } from "./local_time.tsx";
import { syncRunPath } from "./progress_modal.tsx";
import { runModeLabel, RunStatusBadge } from "./run_status.tsx";

/** Everything the sync history page of a configuration shows. */
export interface HistoryPageModel {
  user: User;
  config: ApiConfiguration;
  /** Runs of this page, newest first. */
  entries: SyncHistoryEntry[];
  /** Cursor of the next, older page; null on the last page. */
  olderCursor: string | null;
  /** True when the page was opened with a cursor, so it is not the newest page. */
  isOlderPage: boolean;
  /** True when the configuration pulls several entities, so each run names its entity. */
  showEntity: boolean;
  /** Time at which durations of runs still going are measured. */
  now: Date;
}

/** Column headings of the history table, also used as cell labels in the stacked layout. */
export const historyColumnTitles = [
  "Started",
  "Status",
  "Mode",
  "Organization",
  "Started by",
  "Processed",
  "Inserted",
  "Updated",
  "Unchanged",
  "Errors",
  "Deleted",
  "Duration",
  "Error",
] as const;

/**
 * Renders the Started by text of a run without a user. Its `started_by` is null when the
 * scheduler started it and when the user who started it was deleted.
 */
export function StartedByNobody() {
  return <span class="muted">Scheduler or deleted user</span>;
}

function HistoryRow(props: { entry: SyncHistoryEntry; showEntity: boolean; now: Date }) {
  const { run, startedByEmail } = props.entry;
  const progress = toSyncProgress(run, props.now);
  const [
    started,
    status,
    mode,
    organization,
    by,
    processed,
    inserted,
    updated,
    unchanged,
    errors,
    deleted,
    duration,
    error,
  ] = historyColumnTitles;
  return (
    <tr id={`run-${run.id}`}>
      <th scope="row" data-label={started} class="nowrap">
        <a href={syncRunPath(run.id)}>
          <LocalTime value={run.startedAt ?? run.createdAt} format="datetime" />
        </a>
      </th>
      <td data-label={status}>
        <RunStatusBadge status={run.status} />
      </td>
      <td data-label={mode}>
        {runModeLabel(run.mode)}
        {props.showEntity && <span class="muted cell-detail">{entityLabel(run.entity)}</span>}
      </td>
      <td data-label={organization}>{run.organization}</td>
      <td data-label={by} class="started-by">
        {startedByEmail ?? <StartedByNobody />}
      </td>
      <td data-label={processed} class="number">{formatCount(run.processedRecords)}</td>
      <td data-label={inserted} class="number">{formatCount(run.insertedRecords)}</td>
      <td data-label={updated} class="number">{formatCount(run.updatedRecords)}</td>
      <td data-label={unchanged} class="number">{formatCount(run.unchangedRecords)}</td>
      <td data-label={errors} class={run.errorRecords > 0 ? "number has-errors" : "number"}>
        {formatCount(run.errorRecords)}
      </td>
      <td data-label={deleted} class="number">{formatCount(run.deletedRecords)}</td>
      <td data-label={duration} class="number">{formatDuration(progress.durationMs)}</td>
      <td data-label={error} class="run-error">
        {run.error ? <ErrorText message={run.error} /> : emptyValue}
      </td>
    </tr>
  );
}

/** Renders the sync history of one configuration, newest first, with a link to older runs. */
export function HistoryPage(props: { model: HistoryPageModel }) {
  const { user, config, entries, olderCursor, isOlderPage, showEntity, now } = props.model;
  const title = `Sync history: ${config.name}`;
  // Keys only matter for client-side rendering, and hono would print them as attributes.
  // deno-lint-ignore jsx-key
  const headings = historyColumnTitles.map((heading) => <th scope="col">{heading}</th>);
  const rows = entries.map((entry) => (
    <HistoryRow
      entry={entry}
      showEntity={showEntity}
      now={now}
    />
  ));
  return (
    <Layout title={title} user={user}>
      <Breadcrumbs current={title} />
      <h1>{title}</h1>
      <p class="lead">
        Runs of this configuration, newest first. Open a run for its quarantined rows and its log.
        Times are shown in your browser's time zone.
      </p>
      <div class="table-scroll" role="region" aria-labelledby="history-caption" tabindex={0}>
        <table class="data-table history">
          <caption id="history-caption">Sync runs of {config.name}</caption>
          <thead>
            <tr>{headings}</tr>
          </thead>
          <tbody>{rows}</tbody>
        </table>
        {entries.length === 0 && (
          <p class="empty">
            {isOlderPage ? "No older runs." : "No sync run yet: start one with Sync Data."}
          </p>
        )}
      </div>
      <nav class="pager" aria-label="History pages">
        {isOlderPage && <a href={historyPath(config.id)}>Newest runs</a>}
        {olderCursor && (
          <a href={`${historyPath(config.id)}?cursor=${olderCursor}`} rel="next">Older runs</a>
        )}
      </nav>
    </Layout>
  );
}
