import type { User } from "../db/users.ts";
import { columnTitles, ConfigRow, type ConfigRowModel } from "./config_row.tsx";
import { Layout } from "./layout.tsx";

/** Renders the API connectivity page: one row per API configuration, with its sync statistics. */
export function ConnectivityPage(props: { user: User; rows: ConfigRowModel[] }) {
  // Keys only matter for client-side rendering, and hono would print them as attributes.
  // deno-lint-ignore jsx-key
  const headings = columnTitles.map((title) => <th scope="col">{title}</th>);
  // deno-lint-ignore jsx-key
  const rows = props.rows.map((model) => <ConfigRow model={model} />);
  return (
    <Layout title="API connectivity" user={props.user} isHome>
      <h1>API connectivity</h1>
      <p class="lead">
        EAM endpoints that pems-sync reads from and writes to, their last connection test and their
        sync statistics. Times are shown in your browser's time zone.
      </p>
      <div class="table-scroll" role="region" aria-labelledby="configs-caption" tabindex={0}>
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
          <p class="empty">No API configuration yet: create one with POST /api/configs.</p>
        )}
      </div>
      <div id="modal-root"></div>
    </Layout>
  );
}
