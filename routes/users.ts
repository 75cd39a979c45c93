import { Hono } from "hono";
import { z } from "zod";
import { listUsers } from "../db/users.ts";
import { requireRole } from "./auth.ts";
import type { AppEnv, Services } from "./context.ts";
import { createUserAction, deleteUserAction, updateUserAction } from "./user_actions.ts";
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
  return new Hono<AppEnv>()
    .use(requireRole("admin"))
    .get("/", async (c) => c.json({ users: await listUsers(services.db) }))
    .post("/", validate("json", createUserSchema), async (c) => {
      const created = await createUserAction(services, c.get("user"), c.req.valid("json"));
      return c.json(created, 201, { Location: `/api/users/${created.id}` });
    })
    .patch("/:id", validate("param", idSchema), validate("json", updateUserSchema), async (c) => {
      const { id } = c.req.valid("param");
      return c.json(await updateUserAction(services, c.get("user"), id, c.req.valid("json")));
    })
    .delete("/:id", validate("param", idSchema), async (c) => {
      await deleteUserAction(services, c.get("user"), c.req.valid("param").id);
      return c.body(null, 204);
    });
}
