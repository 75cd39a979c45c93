import type { User } from "../db/users.ts";
import { Layout } from "./layout.tsx";

/** Id of the element that the user dialogs' responses replace. */
export const usersTableId = "users-table";

/** Id of the Add user button, the focus after its dialog closes. */
export const addUserButtonId = "add-user-button";

/** Column headings of the users table, also used as cell labels in the stacked layout. */
export const userColumnTitles = ["Email", "Role", "Organizations", "Status", "Actions"] as const;

const roleLabels: Record<User["role"], string> = {
  admin: "Admin",
  operator: "Operator",
  viewer: "Viewer",
};

/** Returns the display name of a role, such as "Operator". */
export function roleLabel(role: User["role"]): string {
  return roleLabels[role];
}

/** Returns the id of a user's Edit button, the focus after the edit dialog. */
export function userEditButtonId(userId: number): string {
  return `user-edit-${userId}`;
}

/** Returns the id of a user's Delete button, the focus after a cancelled delete. */
export function userDeleteButtonId(userId: number): string {
  return `user-delete-${userId}`;
}

function Organizations(props: { user: User }) {
  const { user } = props;
  if (user.role === "admin") return <span class="muted">All organizations</span>;
  if (user.organizations.length === 0) return <span class="muted">None</span>;
  return <>{user.organizations.join(", ")}</>;
}

function UserRow(props: { user: User; currentUserId: number }) {
  const { user } = props;
  const [email, role, organizations, status, actions] = userColumnTitles;
  return (
    <tr id={`user-row-${user.id}`}>
      <th scope="row" data-label={email}>
        <span class="user-email">{user.email}</span>
        {user.id === props.currentUserId && (
          <>
            {" "}
            <span class="muted">(you)</span>
          </>
        )}
      </th>
      <td data-label={role}>{roleLabel(user.role)}</td>
      <td data-label={organizations}>
        <Organizations user={user} />
      </td>
      <td data-label={status}>
        {user.disabled
          ? <span class="badge badge-disabled">Disabled</span>
          : <span class="badge badge-enabled">Enabled</span>}
      </td>
      <td data-label={actions}>
        <div class="actions-inline">
          <button
            type="button"
            id={userEditButtonId(user.id)}
            class="button button-small"
            hx-get={`/admin/users/${user.id}/edit`}
            hx-target="#modal-root"
            aria-haspopup="dialog"
            aria-label={`Edit ${user.email}`}
          >
            Edit
          </button>
          <button
            type="button"
            id={userDeleteButtonId(user.id)}
            class="button button-small button-small-danger"
            hx-get={`/admin/users/${user.id}/delete-dialog`}
            hx-target="#modal-root"
            aria-haspopup="dialog"
            aria-label={`Delete ${user.email}`}
          >
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
}

/**
 * Renders the users table in its scroll region. It is also the response of a created, changed or
 * deleted user, which replaces the region (`#users-table`).
 */
export function UsersTable(props: { users: User[]; currentUserId: number }) {
  // Keys only matter for client-side rendering, and hono would print them as attributes.
  // deno-lint-ignore jsx-key
  const headings = userColumnTitles.map((title) => <th scope="col">{title}</th>);
  const rows = props.users.map((user) => (
    <UserRow
      user={user}
      currentUserId={props.currentUserId}
    />
  ));
  return (
    <div
      id={usersTableId}
      class="table-scroll"
      role="region"
      aria-labelledby="users-caption"
      tabindex={0}
    >
      <table class="data-table users">
        <caption id="users-caption">Users</caption>
        <thead>
          <tr>{headings}</tr>
        </thead>
        <tbody>{rows}</tbody>
      </table>
    </div>
  );
}

/** Renders the users page for admins: every account with its role, organizations and status. */
export function UsersPage(props: { user: User; users: User[] }) {
  return (
    <Layout title="Users" user={props.user} current="users">
      <div class="page-heading">
        <h1>Users</h1>
        <button
          type="button"
          id={addUserButtonId}
          class="button button-primary"
          hx-get="/admin/users/new"
          hx-target="#modal-root"
          aria-haspopup="dialog"
        >
          Add user
        </button>
      </div>
      <p class="lead">
        Admins manage users and configurations and reach every organization. Operators test
        connections and start and cancel syncs, and viewers only look. Both see shared
        configurations, and runs, data and configurations of their own organizations only.
      </p>
      <UsersTable users={props.users} currentUserId={props.user.id} />
      <div id="modal-root"></div>
    </Layout>
  );
}
