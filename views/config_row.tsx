import type { ApiConfiguration } from "../db/api_configurations.ts";
import { feedsSchema } from "../sync/feeds.ts";
import type { SyncProgress } from "../sync/progress.ts";
import type { ConnectionTestResult } from "../sync/test_connection.ts";
import { ErrorText } from "./error_text.tsx";
import { emptyValue, formatCount, urlHost } from "./format.ts";
import { DatabaseIcon } from "./icons.tsx";
import { LocalTime } from "./local_time.tsx";

/** Everything one row of the connectivity table shows. */
export interface ConfigRowModel {
  config: ApiConfiguration;
  /** Entities the configuration pulls. Without any, the row has no Sync Data button. */
  pulledEntities: string[];
  /** Queued and running syncs of the configuration, one per organization at most. */
  activeRuns: SyncProgress[];
  /** True for admins and operators, who may test connections and start syncs. */
  canOperate: boolean;
  /** True for admins, who may edit and delete the configuration and change its schedule. */
  canEdit: boolean;
  /** The next scheduled start, or null for `manual` and for an invalid schedule. */
  nextScheduledAt: Date | null;
  /** Why the stored schedule is invalid, if it is. */
  scheduleProblem?: string;
  /** The result of a connection test that was just run, shown in the status cell. */
  connectionTest?: ConnectionTestResult;
}

/** Column headings of the connectivity table, also used as cell labels in the stacked layout. */
export const columnTitles = [
  "Configuration",
  "Endpoint",
  "Status",
  "Feeds",
  "Schedule",
  "First Sync",
  "Last Sync",
  "Last Pull",
  "Total Records",
  "Actions",
] as const;

const entityLabels: Record<string, string> = {
  pfa: "PFA",
  asset_master: "Asset master",
  classifications: "Classifications",
};

/** Returns the display name of an entity, such as "PFA" for `pfa`. */
export function entityLabel(entity: string): string {
  return entityLabels[entity] ?? entity;
}

const statusLabels: Record<ApiConfiguration["status"], string> = {
  connected: "Connected",
  error: "Error",
  untested: "Not tested",
};

/** Returns the id of a configuration's table row, the target of row refreshes. */
export function rowId(configId: number): string {
  return `config-row-${configId}`;
}

/** Returns the id of a configuration's Sync Data button, which gets the focus after a dialog. */
export function syncButtonId(configId: number): string {
  return `sync-button-${configId}`;
}

/** Returns the id of a configuration's schedule Edit button, the focus after the dialog. */
export function scheduleButtonId(configId: number): string {
  return `schedule-button-${configId}`;
}

/** Returns the id of a configuration's Edit button, the focus after the form dialog. */
export function editButtonId(configId: number): string {
  return `config-edit-${configId}`;
}

/** Returns the id of a configuration's Delete button, the focus after a cancelled delete. */
export function deleteButtonId(configId: number): string {
  return `config-delete-${configId}`;
}

/** Returns the path of a configuration's sync history page. */
export function historyPath(configId: number): string {
  return `/admin/configs/${configId}/history`;
}

function FeedList(props: { feeds: unknown }) {
  const parsed = feedsSchema.safeParse(props.feeds);
  if (!parsed.success || parsed.data.length === 0) return <>{emptyValue}</>;
  return (
    <ul class="feeds">
      {parsed.data.map((feed) => (
        <li>
          {entityLabel(feed.entity)}{" "}
          <span class="muted">({feed.operation === "write" ? "write" : "pull"})</span>
        </li>
      ))}
    </ul>
  );
}

function ConnectionStatus(props: { config: ApiConfiguration; test?: ConnectionTestResult }) {
  const { config, test } = props;
  return (
    <>
      <span class={`badge badge-${config.status}`}>{statusLabels[config.status]}</span>
      {config.lastCheckedAt && (
        <span class="tested muted">
          Tested <LocalTime value={config.lastCheckedAt} format="datetime" />
        </span>
      )}
      {test?.ok && (
        <span class="test-result test-ok" role="status">Responded in {test.latencyMs} ms</span>
      )}
      {test && !test.ok && (
        <span class="test-result test-error" role="alert">
          <ErrorText message={test.error ?? "connection test failed"} />
        </span>
      )}
      {!test && config.status === "error" && config.lastError && (
        <span class="test-result test-error">
          <ErrorText message={config.lastError} />
        </span>
      )}
    </>
  );
}

function Schedule(props: { model: ConfigRowModel }) {
  const { config, canEdit, nextScheduledAt, scheduleProblem } = props.model;
  const organizations = config.scheduleOrganizations;
  return (
    <div class="schedule">
      <code class="schedule-text">{config.schedule}</code>
      {scheduleProblem && <span class="test-error">{scheduleProblem}</span>}
      {config.schedule !== "manual" && (
        <span class="muted schedule-detail">
          {organizations ? organizations.join(", ") : "All organizations"}
        </span>
      )}
      {nextScheduledAt && (
        <span class="muted schedule-detail">
          Next <LocalTime value={nextScheduledAt} format="datetime" />
        </span>
      )}
      {canEdit && (
        <button
          type="button"
          id={scheduleButtonId(config.id)}
          class="button button-small"
          hx-get={`/admin/configs/${config.id}/schedule-dialog`}
          hx-target="#modal-root"
          aria-haspopup="dialog"
          aria-label={`Edit schedule of ${config.name}`}
        >
          Edit
        </button>
      )}
    </div>
  );
}

function HistoryLink(props: { config: ApiConfiguration }) {
  return (
    <a
      class="button button-small"
      href={historyPath(props.config.id)}
      aria-label={`Sync history of ${props.config.name}`}
    >
      History
    </a>
  );
}

function EditButtons(props: { config: ApiConfiguration }) {
  const { config } = props;
  return (
    <>
      <button
        type="button"
        id={editButtonId(config.id)}
        class="button button-small"
        hx-get={`/admin/configs/${config.id}/edit`}
        hx-target="#modal-root"
        aria-haspopup="dialog"
        aria-label={`Edit ${config.name}`}
      >
        Edit
      </button>
      <button
        type="button"
        id={deleteButtonId(config.id)}
        class="button button-small button-small-danger"
        hx-get={`/admin/configs/${config.id}/delete-dialog`}
        hx-target="#modal-root"
        aria-haspopup="dialog"
        aria-label={`Delete ${config.name}`}
      >
        Delete
      </button>
    </>
  );
}

function RunningSyncs(props: { runs: SyncProgress[] }) {
  return (
    <>
      {props.runs.map((run) => (
        <div class="running">
          <span class="running-text">Sync in progress · {run.organization}</span>
          <button
            type="button"
            class="button button-small"
            hx-get={`/admin/syncs/${run.syncId}/progress`}
            hx-target="#modal-root"
            aria-haspopup="dialog"
            aria-label={`View progress of the ${run.organization} sync`}
          >
            View progress
          </button>
        </div>
      ))}
    </>
  );
}

function Actions(props: { model: ConfigRowModel }) {
  const { config, canOperate, canEdit, pulledEntities, activeRuns } = props.model;
  if (!canOperate) {
    return (
      <div class="actions">
        <HistoryLink config={config} />
        <RunningSyncs runs={activeRuns} />
      </div>
    );
  }
  return (
    <div class="actions">
      <button
        type="button"
        class="button button-secondary"
        hx-post={`/admin/configs/${config.id}/test`}
        hx-target="closest tr"
        hx-swap="outerHTML"
        hx-disabled-elt="this"
        aria-label={`Test connection of ${config.name}`}
      >
        <span class="idle-label">Test connection</span>
        <span class="busy-label">Testing…</span>
      </button>
      {pulledEntities.length > 0 && (
        <button
          type="button"
          id={syncButtonId(config.id)}
          class="button button-sync"
          hx-get={`/admin/configs/${config.id}/sync-dialog`}
          hx-target="#modal-root"
          aria-haspopup="dialog"
          aria-label={`Sync data of ${config.name}`}
        >
          <DatabaseIcon /> Sync Data
        </button>
      )}
      <div class="actions-inline">
        <HistoryLink config={config} />
        {canEdit && <EditButtons config={config} />}
      </div>
      <RunningSyncs runs={activeRuns} />
    </div>
  );
}

/** Renders one `<tr>` of the connectivity table, which is also the response of the row route. */
export function ConfigRow(props: { model: ConfigRowModel }) {
  const { config } = props.model;
  const never = config.lastSyncAt === null ? "Never" : emptyValue;
  const [name, endpoint, status, feeds, schedule, first, last, pull, total, actions] = columnTitles;
  return (
    <tr id={rowId(config.id)}>
      <th scope="row" data-label={name}>
        <span class="config-name">{config.name}</span>
        <code class="usage" title="Usage">{config.usage}</code>
      </th>
      <td data-label={endpoint}>
        <span class="host">{urlHost(config.url)}</span>
        <span class="operation muted">Operation: {config.operationType}</span>
      </td>
      <td data-label={status} class="status-cell">
        <ConnectionStatus config={config} test={props.model.connectionTest} />
      </td>
      <td data-label={feeds}>
        <FeedList feeds={config.feeds} />
      </td>
      <td data-label={schedule}>
        <Schedule model={props.model} />
      </td>
      <td data-label={first} class="nowrap">
        <LocalTime value={config.firstSyncAt} format="date" empty={never} />
      </td>
      <td data-label={last} class="nowrap">
        <LocalTime value={config.lastSyncAt} format="datetime" empty={never} />
      </td>
      <td data-label={pull} class="number">{formatCount(config.lastSyncRecordCount)}</td>
      <td data-label={total} class="number total-records">
        {formatCount(config.totalSyncRecordCount)}
      </td>
      <td data-label={actions}>
        <Actions model={props.model} />
      </td>
    </tr>
  );
}
