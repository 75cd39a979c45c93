import type { AuditEntry } from "../db/audit_log.ts";
import type { User } from "../db/users.ts";
import { emptyValue } from "./format.ts";
import { Layout } from "./layout.tsx";
import { LocalTime } from "./local_time.tsx";
import { syncRunPath } from "./progress_modal.tsx";

/** Path of the audit log page. */
export const auditPath = "/admin/audit";

/** Everything the audit log page shows. */
export interface AuditPageModel {
  user: User;
  /** Entries of this page, newest first. */
  entries: AuditEntry[];
  /** Entry id that the next, older page continues below; null on the last page. */
  olderBefore: number | null;
  /** True when the page was opened with `before`, so it is not the newest page. */
  isOlderPage: boolean;
}

/** Column headings of the audit table, also used as cell labels in the stacked layout. */
export const auditColumnTitles = [
  "Time",
  "User",
  "Action",
  "Target",
  "Organization",
  "Details",
] as const;

function Target(props: { entry: AuditEntry }) {
  const { targetType, targetId } = props.entry;
  if (targetId === null) return <>{targetType}</>;
  if (targetType === "sync_run") {
    return (
      <>
        {targetType} <a href={syncRunPath(targetId)} class="target-id">{targetId}</a>
      </>
    );
  }
  return (
    <>
      {targetType} <span class="target-id">{targetId}</span>
    </>
  );
}

function AuditRow(props: { entry: AuditEntry }) {
  const { entry } = props;
  const [time, user, action, target, organization, details] = auditColumnTitles;
  const detailsText = Object.keys(entry.details ?? {}).length > 0
    ? JSON.stringify(entry.details)
    : undefined;
  return (
    <tr id={`audit-${entry.id}`}>
      <th scope="row" data-label={time} class="nowrap">
        <LocalTime value={entry.at} format="datetime" />
      </th>
      <td data-label={user}>{entry.userEmail ?? <span class="muted">System</span>}</td>
      <td data-label={action}>
        <code>{entry.action}</code>
      </td>
      <td data-label={target}>
        <Target entry={entry} />
      </td>
      <td data-label={organization}>{entry.organization ?? emptyValue}</td>
      <td data-label={details} class="audit-details">
        {detailsText ? <code>{detailsText}</code> : emptyValue}
      </td>
    </tr>
  );
}

/** Renders the audit log for admins: who did what to which target, newest first. */
export function AuditPage(props: { model: AuditPageModel }) {
  const { user, entries, olderBefore, isOlderPage } = props.model;
  // Keys only matter for client-side rendering, and hono would print them as attributes.
  // deno-lint-ignore jsx-key
  const headings = auditColumnTitles.map((title) => <th scope="col">{title}</th>);
  // deno-lint-ignore jsx-key
  const rows = entries.map((entry) => <AuditRow entry={entry} />);
  return (
    <Layout title="Audit log" user={user} current="audit">
      <h1>Audit log</h1>
      <p class="lead">
        Who started or cancelled a sync, tested a connection, or changed a user, configuration or
        organization, newest first. Times are shown in your browser's time zone.
      </p>
      <div class="table-scroll" role="region" aria-labelledby="audit-caption" tabindex={0}>
        <table class="data-table audit">
          <caption id="audit-caption">Audit log entries</caption>
          <thead>
            <tr>{headings}</tr>
          </thead>
          <tbody>{rows}</tbody>
        </table>
        {entries.length === 0 && (
          <p class="empty">{isOlderPage ? "No older entries." : "No entries yet."}</p>
        )}
      </div>
      <nav class="pager" aria-label="Audit log pages">
        {isOlderPage && <a href={auditPath}>Newest entries</a>}
        {olderBefore !== null && (
          <a href={`${auditPath}?before=${olderBefore}`} rel="next">Older entries</a>
        )}
      </nav>
    </Layout>
  );
}
