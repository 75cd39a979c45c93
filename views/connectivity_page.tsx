import type { User } from "../db/users.ts";
import { columnTitles, ConfigRow, type ConfigRowModel } from "./config_row.tsx";
import { Layout } from "./layout.tsx";

/** Id of the element that the configuration form's responses replace. */
export const configTableId = "configs-table";

/** Id of the Add configuration button, the focus after its dialog closes. */
export const addConfigButtonId = "add-config-button";

/**
 * Renders the connectivity table in its scroll region. It is also the response of a saved or
 * deleted configuration, which replaces the region (`#configs-table`).
 */
export function ConfigTable(props: { rows: ConfigRowModel[]; canEdit: boolean }) {
  // Keys only matter for client-side rendering, and hono would print them as attributes.
  // deno-lint-ignore jsx-key
  const headings = columnTitles.map((title) => <th scope="col">{title}</th>);
  // deno-lint-ignore jsx-key
  const rows = props.rows.map((model) => <ConfigRow model={model} />);
  return (
    <div
      id={configTableId}
      class="table-scroll"
      role="region"
      aria-labelledby="configs-caption"
      tabindex={0}
    >
      <table class="data-table configs">
        <caption id="configs-caption">API configurations</caption>
        <thead>
          <tr>
            {headings}
          </tr>
        </thead>
        <tbody>
          {rows}
        </tbody>
      </table>
      {props.rows.length === 0 && (
        <p class="empty">
          {props.canEdit
            ? "No API configuration yet: create one with Add configuration."
            : "No API configuration yet: an admin can add one."}
        </p>
      )}
    </div>
  );
}

/** Renders the API connectivity page: one row per API configuration, with its sync statistics. */
export function ConnectivityPage(props: { user: User; rows: ConfigRowModel[] }) {
  const canEdit = props.user.role === "admin";
  return (
    <Layout title="API connectivity" user={props.user} current="connectivity">
      <div class="page-heading">
        <h1>API connectivity</h1>
        {canEdit && (
          <button
            type="button"
            id={addConfigButtonId}
            class="button button-primary"
            hx-get="/admin/configs/new"
            hx-target="#modal-root"
            aria-haspopup="dialog"
          >
            Add configuration
          </button>
        )}
      </div>
      <p class="lead">
        EAM endpoints that pems-sync reads from and writes to, their last connection test and their
        sync statistics. Times are shown in your browser's time zone.
      </p>
      <ConfigTable rows={props.rows} canEdit={canEdit} />
      <div id="modal-root"></div>
    </Layout>
  );
}
