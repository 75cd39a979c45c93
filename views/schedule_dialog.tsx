import type { ApiConfiguration } from "../db/api_configurations.ts";
import { rowId, scheduleButtonId } from "./config_row.tsx";

/** Id of the element in the schedule dialog that shows the server's error message. */
export const scheduleErrorId = "schedule-error";

/**
 * Renders the native `<dialog>` that edits a configuration's schedule and the organizations a
 * scheduled run syncs. On success the server responds with the configuration's table row, which
 * replaces the row, and static/app.js closes the dialog (`data-close-on-success`). On invalid
 * input it responds with the error message, which htmx puts into `#schedule-error`.
 */
export function ScheduleDialog(props: { config: ApiConfiguration }) {
  const { config } = props;
  return (
    <dialog
      class="modal"
      id="schedule-dialog"
      aria-labelledby="schedule-dialog-title"
      data-auto-open
      data-return-focus={scheduleButtonId(config.id)}
    >
      <form
        hx-post={`/admin/configs/${config.id}/schedule`}
        hx-target={`#${rowId(config.id)}`}
        hx-swap="outerHTML"
        hx-disabled-elt="find button[type=submit]"
        data-close-on-success
        class="stack"
      >
        <h2 id="schedule-dialog-title">Schedule: {config.name}</h2>
        <p class="muted">
          Scheduled runs are incremental, and full when an organization has no earlier successful
          run.
        </p>
        <div id={scheduleErrorId}></div>

        <label for="schedule-text">Schedule</label>
        <input
          id="schedule-text"
          name="schedule"
          type="text"
          required
          maxlength={100}
          value={config.schedule}
          autocomplete="off"
          spellcheck={false}
          aria-describedby="schedule-hint"
        />
        <p id="schedule-hint" class="hint">
          <code>manual</code>, <code>hourly</code>, <code>daily@02:30</code>,{" "}
          <code>weekly@mon 02:30</code> or a 5-field cron expression such as{" "}
          <code>*/15 * * * *</code>. Times are in UTC.
        </p>

        <label for="schedule-organizations">Organizations</label>
        <input
          id="schedule-organizations"
          name="organizations"
          type="text"
          maxlength={1000}
          value={config.scheduleOrganizations?.join(", ") ?? ""}
          autocomplete="off"
          spellcheck={false}
          aria-describedby="schedule-organizations-hint"
        />
        <p id="schedule-organizations-hint" class="hint">
          Organization codes separated by commas, such as{" "}
          <code>RIO, HOLNG</code>. Leave it empty to sync every organization.
        </p>

        <div class="modal-actions">
          <button type="button" class="button button-secondary" data-close-dialog>Cancel</button>
          <button type="submit" class="button button-primary">Save schedule</button>
        </div>
      </form>
    </dialog>
  );
}
