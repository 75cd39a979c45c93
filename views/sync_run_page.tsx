import type { Child } from "hono/jsx";
import type { QuarantinedRowView } from "../db/quarantine.ts";
import type { SyncRun } from "../db/sync_runs.ts";
import type { SyncRunLogPage } from "../db/sync_run_logs.ts";
import type { User } from "../db/users.ts";
import type { SyncProgress } from "../sync/progress.ts";
import { entityLabel, historyPath } from "./config_row.tsx";
import { formatCount, formatDuration } from "./format.ts";
import { StartedByNobody } from "./history_page.tsx";
import { Breadcrumbs, Layout } from "./layout.tsx";
import { LocalTime } from "./local_time.tsx";
import { ProgressPanel } from "./progress_modal.tsx";
import { logColumnTitles, LogRows, quarantineColumnTitles, QuarantineRows } from "./run_tables.tsx";
import { runModeLabel, RunStatusBadge } from "./run_status.tsx";

/** Everything the page of one sync run shows. */
export interface SyncRunPageModel {
  user: User;
  run: SyncRun;
  progress: SyncProgress;
  configName: string;
  /** Email of the user who started the run; null for the scheduler and deleted users. */
  startedByEmail: string | null;
  /** First page of quarantined rows; `next` is the row position to continue after. */
  quarantine: { rows: QuarantinedRowView[]; next: number | null };
  /** First page of the run's log lines. */
  logs: SyncRunLogPage;
  /** True for admins and operators, who may cancel an active run. */
  canCancel: boolean;
}

function Term(props: { name: string; wide?: boolean; children: Child }) {
  return (
    <div class={props.wide ? "wide" : undefined}>
      <dt>{props.name}</dt>
      <dd>{props.children}</dd>
    </div>
  );
}

function Summary(props: { model: SyncRunPageModel }) {
  const { run, progress, startedByEmail } = props.model;
  return (
    <dl class="summary">
      <Term name="Status">
        <RunStatusBadge status={run.status} />
      </Term>
      <Term name="Mode">{runModeLabel(run.mode)}</Term>
      <Term name="Entity">{entityLabel(run.entity)}</Term>
      <Term name="Organization">{run.organization}</Term>
      <Term name="Started by">{startedByEmail ?? <StartedByNobody />}</Term>
      <Term name="Queued">
        <LocalTime value={run.createdAt} format="datetime" />
      </Term>
      <Term name="Started">
        <LocalTime value={run.startedAt} format="datetime" />
      </Term>
      <Term name="Ended">
        <LocalTime value={run.completedAt} format="datetime" />
      </Term>
      <Term name="Duration">{formatDuration(progress.durationMs)}</Term>
      <Term name="Page size">{formatCount(run.pageSize)}</Term>
      <Term name="Batch size">{formatCount(run.batchSize)}</Term>
      {run.mode === "incremental" && (
        <Term name="Changed since">
          <LocalTime value={run.watermark} format="datetime" />
        </Term>
      )}
      <Term name="Run id" wide>
        <code>{run.id}</code>
      </Term>
    </dl>
  );
}

function Section(props: { id: string; title: string; lead: string; children: Child }) {
  return (
    <section class="run-section" aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <p class="muted">{props.lead}</p>
      {props.children}
    </section>
  );
}

function TableHead(props: { titles: readonly string[] }) {
  // Keys only matter for client-side rendering, and hono would print them as attributes.
  // deno-lint-ignore jsx-key
  const headings = props.titles.map((title) => <th scope="col">{title}</th>);
  return (
    <thead>
      <tr>{headings}</tr>
    </thead>
  );
}

/**
 * Renders the page of one sync run: summary, live progress while it is active, its quarantined
 * rows and its log lines, each table with a Show more button.
 */
export function SyncRunPage(props: { model: SyncRunPageModel }) {
  const { model } = props;
  const { run, progress, quarantine, logs } = model;
  const title = `Sync run: ${model.configName} · ${run.organization}`;
  const trail = [{
    href: historyPath(run.apiConfigurationId),
    label: `Sync history: ${model.configName}`,
  }];
  return (
    <Layout title={title} user={model.user}>
      <Breadcrumbs trail={trail} current={`Run of ${run.organization}`} />
      <h1>{title}</h1>
      <Summary model={model} />
      <section class="panel" aria-label="Progress">
        <ProgressPanel progress={progress} canCancel={model.canCancel} refreshRow={false} />
      </section>

      <Section
        id="quarantine"
        title={`Quarantined rows (${formatCount(run.errorRecords)})`}
        lead="Rows that were not stored because a cell did not parse or the key was missing, with the cells EAM sent."
      >
        {quarantine.rows.length === 0
          ? <p class="empty">No quarantined rows.</p>
          : (
            <div class="table-scroll" role="region" aria-labelledby="quarantine-title" tabindex={0}>
              <table class="data-table quarantine">
                <TableHead titles={quarantineColumnTitles} />
                <tbody>
                  <QuarantineRows syncId={run.id} rows={quarantine.rows} next={quarantine.next} />
                </tbody>
              </table>
            </div>
          )}
      </Section>

      <Section
        id="log"
        title="Log"
        lead="What the sync worker did: one line per page, plus retries, shifted pages and the end of the run. Times are in your browser's time zone."
      >
        {logs.lines.length === 0
          ? <p class="empty">No log lines yet.</p>
          : (
            <div class="table-scroll" role="region" aria-labelledby="log-title" tabindex={0}>
              <table class="data-table run-log">
                <TableHead titles={logColumnTitles} />
                <tbody>
                  <LogRows syncId={run.id} lines={logs.lines} next={logs.next} />
                </tbody>
              </table>
            </div>
          )}
      </Section>
    </Layout>
  );
}
