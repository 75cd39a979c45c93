import type { ApiConfiguration } from "../db/api_configurations.ts";
import { FormField } from "./form_field.tsx";

/** Custom headers with their own form fields. Every other header is a name and value row. */
export const namedHeaders = ["tenant", "gridName", "gridId"] as const;

function headerValue(headers: Record<string, string>, name: string): string {
  const key = Object.keys(headers).find((key) => key.toLowerCase() === name.toLowerCase());
  return key === undefined ? "" : headers[key];
}

function otherHeaders(headers: Record<string, string>): [string, string][] {
  const named = new Set<string>(namedHeaders.map((name) => name.toLowerCase()));
  return Object.entries(headers).filter(([name]) => !named.has(name.toLowerCase()));
}

/** Renders one name and value row of the other custom headers. */
function HeaderRow(props: { name?: string; value?: string }) {
  return (
    <div class="header-row">
      <input
        name="headerName"
        type="text"
        maxlength={64}
        value={props.name ?? ""}
        autocomplete="off"
        spellcheck={false}
        aria-label="Header name"
        placeholder="Name"
      />
      <input
        name="headerValue"
        type="text"
        maxlength={500}
        value={props.value ?? ""}
        autocomplete="off"
        spellcheck={false}
        aria-label="Header value"
        placeholder="Value"
      />
    </div>
  );
}

/**
 * Renders the custom headers part of the configuration form: tenant, gridName and gridId fields,
 * then a name and value row per other header, one empty row and an Add header button.
 */
export function HeaderFields(props: { config?: ApiConfiguration }) {
  const headers = props.config?.customHeaders ?? {};
  const otherRows = otherHeaders(headers).map(([name, value]) => (
    <HeaderRow name={name} value={value} />
  ));
  const hints: Record<(typeof namedHeaders)[number], string> = {
    tenant: "EAM tenant, such as DEMO_DEV. A sync needs it.",
    gridName: "Overrides the entity's default grid.",
    gridId: "Overrides the default grid id.",
  };
  return (
    <fieldset class="form-section">
      <legend>Custom headers</legend>
      <div class="form-grid form-grid-3">
        {namedHeaders.map((name) => (
          <FormField id={`config-header-${name}`} label={name} hint={hints[name]}>
            <input
              id={`config-header-${name}`}
              name={name}
              type="text"
              maxlength={500}
              value={headerValue(headers, name)}
              autocomplete="off"
              spellcheck={false}
              aria-describedby={`config-header-${name}-hint`}
            />
          </FormField>
        ))}
      </div>
      <p class="sub-label" id="other-headers-label">Other headers, sent to EAM as they are</p>
      <div id="header-rows" class="header-rows" role="group" aria-labelledby="other-headers-label">
        {otherRows}
        <HeaderRow />
      </div>
      <template id="header-row-template">
        <HeaderRow />
      </template>
      <p class="hint">
        Clear a row to remove its header.{" "}
        <button
          type="button"
          class="button button-small"
          data-add-row="header-rows"
          data-template="header-row-template"
        >
          Add header
        </button>
      </p>
    </fieldset>
  );
}
