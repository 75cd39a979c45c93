import { type Context, Hono } from "hono";
import { z } from "zod";
import { listOrganizations } from "../db/organizations.ts";
import { findUserById, listUsers, type User } from "../db/users.ts";
import { HttpError } from "../lib/http_error.ts";
import { ConfirmDialog, confirmErrorId } from "../views/confirm_dialog.tsx";
import { FlashMessage } from "../views/layout.tsx";
import { UserDialog, userFormErrorId } from "../views/user_dialog.tsx";
import {
  addUserButtonId,
  userDeleteButtonId,
  UsersPage,
  UsersTable,
  usersTableId,
} from "../views/users_page.tsx";
import { requireRole } from "./auth.ts";
import type { AppEnv, Services } from "./context.ts";
import { dialogError, formText, formTexts, readFormFields, showRefusal } from "./page_forms.tsx";
import { createUserAction, deleteUserAction, updateUserAction } from "./user_actions.ts";
import { createUserSchema, updateUserSchema } from "./users.ts";
import { validate } from "./validation.ts";

const idSchema = z.object({ id: z.coerce.number().int().positive() });

/** Reads the create form into the body of POST /api/users. */
async function readCreateForm(c: Context) {
  const form = await readFormFields(c);
  return {
    email: formText(form, "email").trim(),
    password: formText(form, "password"),
    role: formText(form, "role"),
    organizations: formTexts(form, "organizations"),
  };
}

/**
 * Reads the edit form into the body of PATCH /api/users/:id. Its checkboxes are all on the form,
 * so an unticked one means "not this organization" and "enabled". An empty password is left out.
 */
async function readEditForm(c: Context) {
  const form = await readFormFields(c);
  const password = formText(form, "password");
  return {
    role: formText(form, "role"),
    organizations: formTexts(form, "organizations"),
    disabled: formText(form, "disabled") === "true",
    ...(password ? { password } : {}),
  };
}

const fieldLabels: Record<string, string> = {
  email: "email",
  password: "password",
  role: "role",
  organizations: "organizations",
  disabled: "disabled",
};

function describeIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((issue) => {
    const field = issue.path[0];
    const label = field === undefined ? "form" : fieldLabels[String(field)] ?? String(field);
    return `${label}: ${issue.message}`;
  }).join("; ");
}

/**
 * /admin/users: the users page for admins, with dialogs that create, edit and delete users. They
 * validate with the schemas of /api/users and call the same actions, so the checks (such as
 * keeping an enabled admin) and the audit entries are the same. Each success responds with the
 * users table.
 */
export function adminUserRoutes(services: Services) {
  const { db } = services;

  async function renderTable(c: Context<AppEnv>, message: string) {
    const users = await listUsers(db);
    return c.html(
      <>
        <UsersTable users={users} currentUserId={c.get("user").id} />
        <FlashMessage message={message} />
      </>,
    );
  }

  async function loadUserOr404(id: number): Promise<User> {
    const user = await findUserById(db, id);
    if (!user) throw new HttpError(404, "not_found", `user ${id} not found`);
    return user;
  }

  async function renderDialog(c: Context<AppEnv>, user?: User) {
    const organizations = await listOrganizations(db);
    const isSelf = user?.id === c.get("user").id;
    return c.html(<UserDialog model={{ user, organizations, isSelf }} />);
  }

  return new Hono<AppEnv>()
    .use(requireRole("admin"))
    .get("/", async (c) => {
      return c.html(<UsersPage user={c.get("user")} users={await listUsers(db)} />);
    })
    .get("/new", (c) => renderDialog(c))
    .post("/", async (c) => {
      const parsed = createUserSchema.safeParse(await readCreateForm(c));
      if (!parsed.success) {
        return dialogError(c, userFormErrorId, 400, describeIssues(parsed.error.issues));
      }
      return await showRefusal(c, userFormErrorId, async () => {
        const created = await createUserAction(services, c.get("user"), parsed.data);
        return await renderTable(c, `User ${created.email} created.`);
      });
    })
    .get("/:id/edit", validate("param", idSchema), async (c) => {
      return await renderDialog(c, await loadUserOr404(c.req.valid("param").id));
    })
    .post("/:id", validate("param", idSchema), async (c) => {
      const { id } = c.req.valid("param");
      const parsed = updateUserSchema.safeParse(await readEditForm(c));
      if (!parsed.success) {
        return dialogError(c, userFormErrorId, 400, describeIssues(parsed.error.issues));
      }
      return await showRefusal(c, userFormErrorId, async () => {
        const updated = await updateUserAction(services, c.get("user"), id, parsed.data);
        return await renderTable(c, `User ${updated.email} saved.`);
      });
    })
    .get("/:id/delete-dialog", validate("param", idSchema), async (c) => {
      const user = await loadUserOr404(c.req.valid("param").id);
      return c.html(
        <ConfirmDialog
          title={`Delete user: ${user.email}`}
          action={`/admin/users/${user.id}/delete`}
          target={`#${usersTableId}`}
          confirmLabel="Delete user"
          returnFocus={`${userDeleteButtonId(user.id)} ${addUserButtonId}`}
        >
          <p>
            {user.email}{" "}
            can no longer log in, and their sessions end. Runs they started stay in the history
            without their name. It cannot be undone.
          </p>
        </ConfirmDialog>,
      );
    })
    .post("/:id/delete", validate("param", idSchema), async (c) => {
      return await showRefusal(c, confirmErrorId, async () => {
        const deleted = await deleteUserAction(services, c.get("user"), c.req.valid("param").id);
        return await renderTable(c, `User ${deleted.email} deleted.`);
      });
    });
}
