import type { QuarantinedRowView } from "../db/quarantine.ts";
import type { SyncRunLogLine } from "../db/sync_run_logs.ts";
import { emptyValue, formatCount } from "./format.ts";
import { LocalTime } from "./local_time.tsx";
import { syncRunPath } from "./progress_modal.tsx";

/** Column headings of the quarantined rows table, also the cell labels of the stacked layout. */
export const quarantineColumnTitles = ["Row", "Key", "Field", "Reason", "Raw cells"] as const;

/** Column headings of the run log table, also the cell labels of the stacked layout. */
export const logColumnTitles = ["Time", "Level", "Message", "Details"] as const;

/**
 * Renders the last row of a table page: a button that replaces this row with the next page of
 * rows, which ends with the next such row when more follow.
 */
function MoreRow(props: { href: string; columns: number; label: string }) {
  return (
    <tr class="more-row">
      <td colspan={props.columns}>
        <button
          type="button"
          class="button button-small"
          hx-get={props.href}
          hx-target="closest tr"
          hx-swap="outerHTML"
          hx-disabled-elt="this"
        >
          {props.label}
        </button>
      </td>
    </tr>
  );
}

function RawCells(props: { row: QuarantinedRowView }) {
  const cells = Object.entries(props.row.raw);
  return (
    <details class="raw-cells">
      <summary>{formatCount(cells.length)} cells</summary>
      <dl>
        {cells.map(([alias, value]) => (
          <div class={alias === props.row.field ? "bad-cell" : undefined}>
            <dt>{alias}</dt>
            <dd>{value === "" ? <span class="muted">(empty)</span> : value}</dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

/**
 * Renders a page of a run's quarantined rows as `<tr>` elements, then a Show more row when
 * `next` (the row position to continue after) is set.
 */
export function QuarantineRows(
  props: { syncId: string; rows: QuarantinedRowView[]; next: number | null },
) {
  const [position, key, field, reason, raw] = quarantineColumnTitles;
  return (
    <>
      {props.rows.map((row) => (
        <tr>
          <th scope="row" data-label={position} class="number">{formatCount(row.rowPosition)}</th>
          <td data-label={key}>{row.recordKey ?? emptyValue}</td>
          <td data-label={field}>{row.field ? <code>{row.field}</code> : emptyValue}</td>
          <td data-label={reason} class="reason">{row.reason}</td>
          <td data-label={raw} class="raw-column">
            <RawCells row={row} />
          </td>
        </tr>
      ))}
      {props.next !== null && (
        <MoreRow
          href={`${syncRunPath(props.syncId)}/quarantine?after=${props.next}`}
          columns={quarantineColumnTitles.length}
          label="Show more rows"
        />
      )}
    </>
  );
}

function fieldText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

function LogFields(props: { fields: Record<string, unknown> }) {
  const entries = Object.entries(props.fields).filter(([, value]) =>
    value !== null && value !== undefined
  );
  if (entries.length === 0) return <>{emptyValue}</>;
  return (
    <dl class="log-fields">
      {entries.map(([name, value]) => (
        <div>
          <dt>{name}</dt>
          <dd>{fieldText(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Renders a page of a run's log lines as `<tr>` elements, then a Show more row when `next` (the
 * line id to continue after) is set.
 */
export function LogRows(props: { syncId: string; lines: SyncRunLogLine[]; next: number | null }) {
  const [time, level, message, details] = logColumnTitles;
  return (
    <>
      {props.lines.map((line) => (
        <tr class={`log-${line.level}`}>
          <th scope="row" data-label={time} class="nowrap">
            <LocalTime value={line.time} format="time" />
          </th>
          <td data-label={level}>
            <span class={`level level-${line.level}`}>{line.level}</span>
          </td>
          <td data-label={message}>{line.message}</td>
          <td data-label={details}>
            <LogFields fields={line.fields} />
          </td>
        </tr>
      ))}
      {props.next !== null && (
        <MoreRow
          href={`${syncRunPath(props.syncId)}/logs?after=${props.next}`}
          columns={logColumnTitles.length}
          label="Show more lines"
        />
      )}
    </>
  );
}
