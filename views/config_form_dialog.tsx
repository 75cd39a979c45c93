import type { ApiConfiguration } from "../db/api_configurations.ts";
import type { Organization } from "../db/organizations.ts";
import { HeaderFields } from "./config_header_fields.tsx";
import { editButtonId } from "./config_row.tsx";
import { SyncFields } from "./config_sync_fields.tsx";
import { addConfigButtonId, configTableId } from "./connectivity_page.tsx";
import { FormField } from "./form_field.tsx";

/** Id of the element in the configuration form that shows the server's error message. */
export const configFormErrorId = "config-form-error";

/** Everything the configuration form shows. */
export interface ConfigFormModel {
  /** The configuration to edit; undefined in the form that creates one. */
  config?: ApiConfiguration;
  organizations: Organization[];
  /** True when a username is stored. Its value is never sent to the browser. */
  hasStoredUsername: boolean;
}

/** Text shown in an empty credential field when a value is stored. */
const storedPlaceholder = "••••";

// Choices of the create form. The operation is the database's column default.
const defaults = { authType: "basic", operationType: "read" } as const;

function EndpointFields(props: { model: ConfigFormModel }) {
  const { config, organizations } = props.model;
  const operation = config?.operationType ?? defaults.operationType;
  return (
    <fieldset class="form-section">
      <legend>Endpoint</legend>
      <div class="form-grid">
        <FormField id="config-name" label="Name">
          <input
            id="config-name"
            name="name"
            type="text"
            required
            maxlength={100}
            value={config?.name ?? ""}
            autocomplete="off"
          />
        </FormField>
        <FormField id="config-usage" label="Usage">
          <input
            id="config-usage"
            name="usage"
            type="text"
            required
            maxlength={50}
            value={config?.usage ?? ""}
            autocomplete="off"
            spellcheck={false}
            placeholder="PEMS_PFA_READ"
          />
        </FormField>
        <FormField
          id="config-url"
          label="URL"
          hint="The Grid Data endpoint, such as https://eam.example.com/axis/restservices/griddata."
          wide
        >
          <input
            id="config-url"
            name="url"
            type="url"
            required
            maxlength={2000}
            value={config?.url ?? ""}
            autocomplete="off"
            spellcheck={false}
            aria-describedby="config-url-hint"
          />
        </FormField>
        <FormField id="config-operation" label="Operation">
          <select id="config-operation" name="operationType">
            {["read", "write", "read-write"].map((value) => (
              <option value={value} selected={value === operation}>{value}</option>
            ))}
          </select>
        </FormField>
        <FormField
          id="config-organization"
          label="Organization"
          hint="Users see a configuration of one organization only if they work for it."
        >
          <select
            id="config-organization"
            name="organization"
            aria-describedby="config-organization-hint"
          >
            <option value="" selected={!config?.organization}>Shared by all organizations</option>
            {organizations.map((organization) => (
              <option
                value={organization.code}
                selected={organization.code === config?.organization}
              >
                {organization.code} · {organization.name}
              </option>
            ))}
          </select>
        </FormField>
      </div>
    </fieldset>
  );
}

function AuthFields(props: { model: ConfigFormModel }) {
  const { config, hasStoredUsername } = props.model;
  const authType = config?.authType ?? defaults.authType;
  const hasStored = Boolean(config?.hasCredentials || hasStoredUsername);
  const keep = hasStored ? " Stored values are never shown: leave a field empty to keep it." : "";
  return (
    <fieldset class="form-section">
      <legend>Authentication</legend>
      <div class="form-grid">
        <FormField id="config-auth-type" label="Auth type" wide>
          <select id="config-auth-type" name="authType">
            <option value="basic" selected={authType === "basic"}>
              Basic: username and password
            </option>
            <option value="apiKey" selected={authType === "apiKey"}>API key</option>
            <option value="none" selected={authType === "none"}>None</option>
          </select>
        </FormField>
        <FormField id="config-username" label="Username">
          <input
            id="config-username"
            name="username"
            type="text"
            maxlength={200}
            value=""
            placeholder={hasStoredUsername ? storedPlaceholder : undefined}
            autocomplete="off"
            spellcheck={false}
            aria-describedby="config-credentials-hint"
          />
        </FormField>
        <FormField id="config-secret" label="Password or API key">
          <input
            id="config-secret"
            name="secret"
            type="password"
            maxlength={500}
            value=""
            placeholder={config?.hasCredentials ? storedPlaceholder : undefined}
            autocomplete="new-password"
            aria-describedby="config-credentials-hint"
          />
        </FormField>
        <p id="config-credentials-hint" class="hint field-wide">
          The password for basic auth, or the key for API key auth.{keep}
        </p>
        {hasStored && (
          <label class="check field-wide">
            <input type="checkbox" name="clearCredentials" value="true" />{" "}
            Remove the stored username and password or key
          </label>
        )}
      </div>
    </fieldset>
  );
}

/**
 * Renders the native `<dialog>` that creates or edits an API configuration, for admins. On
 * success the server responds with the connectivity table, which replaces `#configs-table`, and
 * static/app.js closes the dialog. On invalid input it responds with the error message, which
 * htmx puts into `#config-form-error`, so the typed values stay. Stored credentials are never
 * rendered: their fields stay empty, with a placeholder when a value is stored.
 */
export function ConfigFormDialog(props: { model: ConfigFormModel }) {
  const { config } = props.model;
  const title = config ? `Edit configuration: ${config.name}` : "Add configuration";
  return (
    <dialog
      class="modal modal-wide"
      id="config-dialog"
      aria-labelledby="config-dialog-title"
      data-auto-open
      data-return-focus={config ? editButtonId(config.id) : addConfigButtonId}
    >
      <form
        hx-post={config ? `/admin/configs/${config.id}` : "/admin/configs"}
        hx-target={`#${configTableId}`}
        hx-swap="outerHTML"
        hx-disabled-elt="find button[type=submit]"
        data-close-on-success
        class="stack"
      >
        <h2 id="config-dialog-title">{title}</h2>
        <div id={configFormErrorId}></div>
        <EndpointFields model={props.model} />
        <AuthFields model={props.model} />
        <HeaderFields config={config} />
        <SyncFields config={config} />
        <div class="modal-actions">
          <button type="button" class="button button-secondary" data-close-dialog>Cancel</button>
          <button type="submit" class="button button-primary">
            {config ? "Save changes" : "Create configuration"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
