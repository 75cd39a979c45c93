import type { Organization } from "../db/organizations.ts";
import type { User } from "../db/users.ts";
import { addUserButtonId, roleLabel, userEditButtonId, usersTableId } from "./users_page.tsx";

/** Id of the element in the user dialog that shows the server's error message. */
export const userFormErrorId = "user-form-error";

/** Everything the user dialog shows. */
export interface UserDialogModel {
  /** The user to edit; undefined in the dialog that creates one. */
  user?: User;
  /** Every organization, one checkbox each. */
  organizations: Organization[];
  /** True when the signed-in admin edits their own account. */
  isSelf: boolean;
}

const roles: User["role"][] = ["viewer", "operator", "admin"];

function OrganizationChoices(props: { organizations: Organization[]; selected: string[] }) {
  if (props.organizations.length === 0) {
    return <p class="muted">No organization exists yet: add one with POST /api/organizations.</p>;
  }
  return (
    <fieldset class="choices" aria-describedby="user-organizations-hint">
      <legend>Organizations</legend>
      <div class="choice-grid">
        {props.organizations.map((organization) => (
          <label class="check">
            <input
              type="checkbox"
              name="organizations"
              value={organization.code}
              checked={props.selected.includes(organization.code)}
            />
            <span>
              {organization.code} <span class="muted">· {organization.name}</span>
            </span>
          </label>
        ))}
      </div>
      <p id="user-organizations-hint" class="hint">
        Operators and viewers see runs and data of these organizations only. Admins reach all.
      </p>
    </fieldset>
  );
}

function PasswordField(props: { isNew: boolean }) {
  return (
    <>
      <label for="user-password">{props.isNew ? "Initial password" : "New password"}</label>
      <input
        id="user-password"
        name="password"
        type="password"
        required={props.isNew}
        minlength={12}
        maxlength={1000}
        autocomplete="new-password"
        aria-describedby="user-password-hint"
      />
      <p id="user-password-hint" class="hint">
        {props.isNew
          ? "At least 12 characters. Give it to the user in person or over a secure channel."
          : "At least 12 characters. Leave it empty to keep the current password."}
      </p>
    </>
  );
}

/**
 * Renders the native `<dialog>` that creates a user or edits one's role, organizations, disabled
 * state and password, for admins. On success the server responds with the users table, which
 * replaces `#users-table`, and static/app.js closes the dialog. A refusal, such as a taken email
 * or the last enabled admin, is put into `#user-form-error`, so the typed values stay.
 */
export function UserDialog(props: { model: UserDialogModel }) {
  const { user, organizations, isSelf } = props.model;
  const role = user?.role ?? "viewer";
  return (
    <dialog
      class="modal"
      id="user-dialog"
      aria-labelledby="user-dialog-title"
      data-auto-open
      data-return-focus={user ? userEditButtonId(user.id) : addUserButtonId}
    >
      <form
        hx-post={user ? `/admin/users/${user.id}` : "/admin/users"}
        hx-target={`#${usersTableId}`}
        hx-swap="outerHTML"
        hx-disabled-elt="find button[type=submit]"
        data-close-on-success
        class="stack"
      >
        <h2 id="user-dialog-title">{user ? `Edit user: ${user.email}` : "Add user"}</h2>
        <div id={userFormErrorId}></div>
        {isSelf && (
          <p class="alert alert-info">
            This is your own account. A new password, role or disabled state ends your session, and
            you log in again.
          </p>
        )}
        {!user && (
          <>
            <label for="user-email">Email</label>
            <input
              id="user-email"
              name="email"
              type="email"
              required
              maxlength={320}
              autocomplete="off"
              spellcheck={false}
            />
          </>
        )}
        {!user && <PasswordField isNew />}

        <label for="user-role">Role</label>
        <select id="user-role" name="role" required>
          {roles.map((value) => (
            <option value={value} selected={value === role}>{roleLabel(value)}</option>
          ))}
        </select>

        <OrganizationChoices organizations={organizations} selected={user?.organizations ?? []} />

        {user && (
          <label class="check">
            <input type="checkbox" name="disabled" value="true" checked={user.disabled} />{" "}
            Disabled: the user cannot log in, and their sessions end
          </label>
        )}
        {user && <PasswordField isNew={false} />}

        <div class="modal-actions">
          <button type="button" class="button button-secondary" data-close-dialog>Cancel</button>
          <button type="submit" class="button button-primary">
            {user ? "Save changes" : "Create user"}
          </button>
        </div>
      </form>
    </dialog>
  );
}
