import { Hono } from "hono";
import { z } from "zod";
import { recordAudit } from "../db/audit_log.ts";
import { organizationExists } from "../db/organizations.ts";
import {
  countOtherAdmins,
  createUser,
  deleteUser,
  findUserById,
  listUsers,
  updateUser,
  type User,
} from "../db/users.ts";
import { HttpError } from "../lib/http_error.ts";
import { requireRole } from "./auth.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

const organizationCodes = z.array(
  z.string().trim().regex(/^[A-Za-z0-9_*-]{1,30}$/, { error: "expected organization codes" })
    .transform((code) => code.toUpperCase()),
).max(500);

const userFields = {
  email: z.email({ error: "expected an email address" }).max(320),
  password: z.string().min(12, { error: "must be at least 12 characters" }).max(1000),
  role: z.enum(["admin", "operator", "viewer"]),
  organizations: organizationCodes,
  disabled: z.boolean(),
};

/** Body of POST /api/users. */
export const createUserSchema = z.strictObject({
  email: userFields.email,
  password: userFields.password,
  role: userFields.role,
  organizations: userFields.organizations.default([]),
});

/** Body of PATCH /api/users/:id. */
export const updateUserSchema = z.strictObject({
  password: userFields.password,
  role: userFields.role,
  organizations: userFields.organizations,
  disabled: userFields.disabled,
}).partial();

const idSchema = z.object({ id: z.coerce.number().int().positive() });

/** /api/users: user accounts, their roles and organizations; admins only. */
export function userRoutes(services: Services) {
  const { db } = services;
  const notFound = (id: number) => new HttpError(404, "not_found", `user ${id} not found`);

  async function checkOrganizations(codes: string[] | undefined) {
    for (const code of codes ?? []) {
      if (!(await organizationExists(db, code))) {
        throw new HttpError(400, "invalid_request", `organization ${code} not found`);
      }
    }
  }

  /** Keeps at least one enabled admin, so nobody locks the service. */
  async function keepAnAdmin(target: User, willStayAdmin: boolean) {
    if (
      target.role === "admin" && !willStayAdmin && (await countOtherAdmins(db, target.id)) === 0
    ) {
      throw new HttpError(
        409,
        "conflict",
        "this is the last enabled admin: make another admin first",
      );
    }
  }

  const audit = (actor: User, action: string, target: User, details: Record<string, unknown>) =>
    recordAudit(db, {
      user: actor,
      action,
      targetType: "user",
      targetId: target.id,
      details: { email: target.email, ...details },
    });

  return new Hono<AppEnv>()
    .use(requireRole("admin"))
    .get("/", async (c) => c.json({ users: await listUsers(db) }))
    .post("/", validate("json", createUserSchema), async (c) => {
      const body = c.req.valid("json");
      await checkOrganizations(body.organizations);
      const created = await createUser(db, body);
      if (!created) throw new HttpError(409, "conflict", `a user with email ${body.email} exists`);
      await audit(c.get("user"), "user.create", created, {
        role: created.role,
        organizations: created.organizations,
      });
      return c.json(created, 201, { Location: `/api/users/${created.id}` });
    })
    .patch("/:id", validate("param", idSchema), validate("json", updateUserSchema), async (c) => {
      const { id } = c.req.valid("param");
      const changes = c.req.valid("json");
      const target = await findUserById(db, id);
      if (!target) throw notFound(id);
      await checkOrganizations(changes.organizations);
      const staysAdmin = (changes.role ?? target.role) === "admin" &&
        !(changes.disabled ?? target.disabled);
      await keepAnAdmin(target, staysAdmin);
      const updated = (await updateUser(db, id, changes))!;
      const fields = Object.keys(changes);
      await audit(c.get("user"), "user.update", updated, {
        fields,
        role: updated.role,
        organizations: updated.organizations,
      });
      return c.json(updated);
    })
    .delete("/:id", validate("param", idSchema), async (c) => {
      const { id } = c.req.valid("param");
      const target = await findUserById(db, id);
      if (!target) throw notFound(id);
      await keepAnAdmin(target, false);
      await deleteUser(db, id);
      await audit(c.get("user"), "user.delete", target, {});
      return c.body(null, 204);
    });
}
