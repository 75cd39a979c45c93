import type { ApiConfiguration } from "../db/api_configurations.ts";
import { FormField } from "./form_field.tsx";

// Values of the create form. Page size, time zone and overlap are the database's column defaults.
const defaults = {
  pageSize: 5000,
  timeZone: "UTC",
  incrementalOverlapSeconds: 300,
  feeds: [{ entity: "pfa" }],
} as const;

// Postgres stores jsonb keys shortest first, so `views` would come before `entity`.
const feedKeyOrder = ["entity", "operation", "views"];

function orderFeedKeys(feed: unknown): unknown {
  if (feed === null || typeof feed !== "object" || Array.isArray(feed)) return feed;
  const rank = (key: string) => {
    const index = feedKeyOrder.indexOf(key);
    return index === -1 ? feedKeyOrder.length : index;
  };
  return Object.fromEntries(Object.entries(feed).sort(([a], [b]) => rank(a) - rank(b)));
}

/** Formats feeds as a JSON array with one feed per line, `entity` first, for the text area. */
export function formatFeeds(feeds: unknown): string {
  if (feeds === null || feeds === undefined) return "";
  if (!Array.isArray(feeds)) return JSON.stringify(feeds);
  if (feeds.length === 0) return "[]";
  const lines = feeds.map((feed) => `  ${JSON.stringify(orderFeedKeys(feed))}`);
  return `[\n${lines.join(",\n")}\n]`;
}

/** Renders the sync part of the configuration form: feeds, page size, time zone and drift. */
export function SyncFields(props: { config?: ApiConfiguration }) {
  const { config } = props;
  const feeds = config ? config.feeds : defaults.feeds;
  return (
    <fieldset class="form-section">
      <legend>Sync</legend>
      <div class="form-grid">
        <FormField id="config-feeds" label="Feeds" wide>
          <textarea
            id="config-feeds"
            name="feeds"
            rows={4}
            maxlength={20000}
            spellcheck={false}
            aria-describedby="config-feeds-hint"
          >
            {formatFeeds(feeds)}
          </textarea>
          <p id="config-feeds-hint" class="hint">
            A JSON array with one object per feed: <code>{'{"entity": "pfa"}'}</code>,{" "}
            <code>asset_master</code> or <code>classifications</code>. Add{" "}
            <code>"operation": "write"</code>{" "}
            to a feed that is written, not pulled. Leave it empty for no feeds.
          </p>
        </FormField>
        <FormField
          id="config-page-size"
          label="Page size"
          hint="Rows per EAM request, 1 to 10,000."
        >
          <input
            id="config-page-size"
            name="pageSize"
            type="number"
            min={1}
            max={10000}
            step={1}
            required
            value={String(config?.pageSize ?? defaults.pageSize)}
            aria-describedby="config-page-size-hint"
          />
        </FormField>
        <FormField
          id="config-time-zone"
          label="Time zone"
          hint="IANA zone of EAM's dates, such as UTC or America/Chicago."
        >
          <input
            id="config-time-zone"
            name="timeZone"
            type="text"
            required
            maxlength={100}
            value={config?.timeZone ?? defaults.timeZone}
            autocomplete="off"
            spellcheck={false}
            aria-describedby="config-time-zone-hint"
          />
        </FormField>
        <FormField
          id="config-overlap"
          label="Incremental overlap (seconds)"
          hint="How far before the last run's newest change an incremental run starts reading."
        >
          <input
            id="config-overlap"
            name="incrementalOverlapSeconds"
            type="number"
            min={0}
            max={604800}
            step={1}
            required
            value={String(config?.incrementalOverlapSeconds ?? defaults.incrementalOverlapSeconds)}
            aria-describedby="config-overlap-hint"
          />
        </FormField>
        <div class="field">
          <label class="check">
            <input
              type="checkbox"
              name="allowSchemaDrift"
              value="true"
              checked={config?.allowSchemaDrift ?? false}
            />{" "}
            Allow schema drift
          </label>
          <p class="hint">
            Runs continue when the grid's columns differ from the last successful run.
          </p>
        </div>
      </div>
    </fieldset>
  );
}
