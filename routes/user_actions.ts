import type { z } from "zod";
import { recordAudit } from "../db/audit_log.ts";
import { organizationExists } from "../db/organizations.ts";
import {
  countOtherAdmins,
  createUser,
  deleteUser,
  findUserById,
  updateUser,
  type User,
} from "../db/users.ts";
import { HttpError } from "../lib/http_error.ts";
import type { Services } from "./context.ts";
import type { createUserSchema, updateUserSchema } from "./users.ts";

/** A parsed body of POST /api/users or of the users page's create form. */
export type NewUserBody = z.infer<typeof createUserSchema>;
/** A parsed body of PATCH /api/users/:id or of the users page's edit form. */
export type UserChangesBody = z.infer<typeof updateUserSchema>;

function notFound(id: number): HttpError {
  return new HttpError(404, "not_found", `user ${id} not found`);
}

async function checkOrganizations(services: Services, codes: string[] | undefined) {
  for (const code of codes ?? []) {
    if (!(await organizationExists(services.db, code))) {
      throw new HttpError(400, "invalid_request", `organization ${code} not found`);
    }
  }
}

/** Keeps at least one enabled admin, so that the admins cannot lock themselves out. */
async function keepAnAdmin(services: Services, target: User, willStayAdmin: boolean) {
  if (
    target.role === "admin" && !willStayAdmin &&
    (await countOtherAdmins(services.db, target.id)) === 0
  ) {
    throw new HttpError(
      409,
      "conflict",
      "this is the last enabled admin: make another admin first",
    );
  }
}

function audit(
  services: Services,
  actor: User,
  action: string,
  target: User,
  details: Record<string, unknown>,
) {
  return recordAudit(services.db, {
    user: actor,
    action,
    targetType: "user",
    targetId: target.id,
    details: { email: target.email, ...details },
  });
}

/**
 * Creates a user and records `user.create`, for the REST API and the users page.
 *
 * @throws {HttpError} 400 for an unknown organization, 409 when the email is taken.
 */
export async function createUserAction(
  services: Services,
  actor: User,
  body: NewUserBody,
): Promise<User> {
  await checkOrganizations(services, body.organizations);
  const created = await createUser(services.db, body);
  if (!created) throw new HttpError(409, "conflict", `a user with email ${body.email} exists`);
  await audit(services, actor, "user.create", created, {
    role: created.role,
    organizations: created.organizations,
  });
  return created;
}

/**
 * Changes a user and records `user.update` with the names of the fields the request set.
 *
 * @throws {HttpError} 404 for an unknown user, 400 for an unknown organization, 409 when the
 * change would leave no enabled admin.
 */
export async function updateUserAction(
  services: Services,
  actor: User,
  id: number,
  changes: UserChangesBody,
): Promise<User> {
  const target = await findUserById(services.db, id);
  if (!target) throw notFound(id);
  await checkOrganizations(services, changes.organizations);
  const staysAdmin = (changes.role ?? target.role) === "admin" &&
    !(changes.disabled ?? target.disabled);
  await keepAnAdmin(services, target, staysAdmin);
  const updated = await updateUser(services.db, id, changes);
  if (!updated) throw notFound(id);
  await audit(services, actor, "user.update", updated, {
    fields: Object.keys(changes),
    role: updated.role,
    organizations: updated.organizations,
  });
  return updated;
}

/**
 * Deletes a user and records `user.delete`. Returns the deleted user.
 *
 * @throws {HttpError} 404 for an unknown user, 409 for the last enabled admin.
 */
export async function deleteUserAction(
  services: Services,
  actor: User,
  id: number,
): Promise<User> {
  const target = await findUserById(services.db, id);
  if (!target) throw notFound(id);
  await keepAnAdmin(services, target, false);
  await deleteUser(services.db, id);
  await audit(services, actor, "user.delete", target, {});
  return target;
}
