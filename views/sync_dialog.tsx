import type { ApiConfiguration } from "../db/api_configurations.ts";
import type { Organization } from "../db/organizations.ts";
import type { SyncProgress } from "../sync/progress.ts";
import { entityLabel, syncButtonId } from "./config_row.tsx";
import { urlHost } from "./format.ts";
import { DatabaseIcon } from "./icons.tsx";
import { ErrorMessage } from "./layout.tsx";

/** Everything the Sync Data dialog shows. */
export interface SyncDialogModel {
  config: ApiConfiguration;
  organizations: Organization[];
  pulledEntities: string[];
  /** Queued and running syncs of the configuration, in any organization. */
  activeRuns: SyncProgress[];
  /** The choices of a request that failed, to show them again. */
  values?: { organization?: string; mode?: string; entity?: string };
  error?: string;
  /** The active run that made the last start request fail with 409. */
  conflict?: SyncProgress;
}

function WatchButton(props: { run: SyncProgress; label: string }) {
  return (
    <button
      type="button"
      class="button button-small"
      hx-get={`/admin/syncs/${props.run.syncId}/progress`}
      hx-target="#modal-root"
    >
      {props.label}
    </button>
  );
}

function ActiveRunNotice(props: { config: ApiConfiguration; runs: SyncProgress[] }) {
  if (props.runs.length === 0) return null;
  return (
    <div class="alert alert-warning">
      {props.runs.map((run) => (
        <p class="active-run">
          A sync of {props.config.name} for {run.organization} is already{" "}
          {run.status === "queued" ? "queued" : `running (${run.percent}%)`}.{" "}
          <WatchButton run={run} label={`Watch the ${run.organization} sync`} />
        </p>
      ))}
    </div>
  );
}

function ConflictNotice(props: { config: ApiConfiguration; run: SyncProgress }) {
  return (
    <div class="alert alert-warning" role="alert">
      <p>
        A sync of {props.config.name} for {props.run.organization}{" "}
        is already running, so no new one was started. Watch it instead, or choose another
        organization.
      </p>
      <WatchButton run={props.run} label="Watch progress" />
    </div>
  );
}

/** Renders the native `<dialog>` that starts a sync: organization, mode and, if needed, entity. */
export function SyncDialog(props: { model: SyncDialogModel }) {
  const { config, organizations, pulledEntities, values = {} } = props.model;
  const others = props.model.activeRuns.filter((run) =>
    run.syncId !== props.model.conflict?.syncId
  );
  const mode = values.mode === "incremental" ? "incremental" : "full";
  return (
    <dialog
      class="modal"
      id="sync-dialog"
      aria-labelledby="sync-dialog-title"
      data-auto-open
      data-return-focus={syncButtonId(config.id)}
    >
      <form
        hx-post={`/admin/configs/${config.id}/syncs`}
        hx-target="#modal-root"
        hx-disabled-elt="find button[type=submit]"
        class="stack"
      >
        <h2 id="sync-dialog-title">Sync data: {config.name}</h2>
        <p class="muted">
          Pulls {pulledEntities.map(entityLabel).join(", ")} from {urlHost(config.url)}{" "}
          into Postgres.
        </p>
        {props.model.error && <ErrorMessage message={props.model.error} />}
        {props.model.conflict && <ConflictNotice config={config} run={props.model.conflict} />}
        <ActiveRunNotice config={config} runs={others} />
        {organizations.length === 0 && (
          <ErrorMessage message="No organization exists yet, so there is nothing to sync." />
        )}

        <label for="sync-organization">Organization</label>
        <select id="sync-organization" name="organization" required>
          {organizations.map((organization) => (
            <option value={organization.code} selected={organization.code === values.organization}>
              {organization.code} · {organization.name}
            </option>
          ))}
        </select>

        {pulledEntities.length > 1 && (
          <>
            <label for="sync-entity">Entity</label>
            <select id="sync-entity" name="entity" required>
              {pulledEntities.map((entity) => (
                <option value={entity} selected={entity === values.entity}>
                  {entityLabel(entity)}
                </option>
              ))}
            </select>
          </>
        )}

        <fieldset class="modes">
          <legend>Mode</legend>
          <label>
            <input type="radio" name="mode" value="full" checked={mode === "full"} />{" "}
            Full: read every row of the grid
          </label>
          <label>
            <input
              type="radio"
              name="mode"
              value="incremental"
              checked={mode === "incremental"}
            />{" "}
            Incremental: read rows changed since the last successful sync
          </label>
        </fieldset>

        <div class="modal-actions">
          <button type="button" class="button button-secondary" data-close-dialog>Cancel</button>
          <button type="submit" class="button button-sync">
            <DatabaseIcon /> Start sync
          </button>
        </div>
      </form>
    </dialog>
  );
}
