import { type Context, Hono } from "hono";
import { z } from "zod";
import { type ApiConfiguration, loadApiCredentials } from "../db/api_configurations.ts";
import { listOrganizations } from "../db/organizations.ts";
import { ConfigFormDialog, configFormErrorId } from "../views/config_form_dialog.tsx";
import { deleteButtonId } from "../views/config_row.tsx";
import { ConfirmDialog, confirmErrorId } from "../views/confirm_dialog.tsx";
import { addConfigButtonId, ConfigTable, configTableId } from "../views/connectivity_page.tsx";
import { FlashMessage } from "../views/layout.tsx";
import { listConfigRows, loadConfigOr404 } from "./admin_configs.tsx";
import { requireRole } from "./auth.ts";
import { createConfigAction, deleteConfigAction, updateConfigAction } from "./config_actions.ts";
import { changedConfigFields, parseConfigForm } from "./config_form.ts";
import { createSchema, updateSchema } from "./configs.ts";
import type { AppEnv, Services } from "./context.ts";
import { dialogError, showRefusal } from "./page_forms.tsx";
import { validate } from "./validation.ts";

const idSchema = z.object({ id: z.coerce.number().int().positive() });

/**
 * /admin/configs/new, /admin/configs/:id/edit and /admin/configs/:id/delete-dialog: the dialogs
 * that create, edit and delete API configurations, for admins, and their submissions. They
 * validate with the schemas of POST and PATCH /api/configs and call the same actions, so the
 * checks and audit entries are the same. Each success responds with the connectivity table.
 */
export function adminConfigFormRoutes(services: Services) {
  async function renderTable(c: Context<AppEnv>, message: string) {
    const user = c.get("user");
    const rows = await listConfigRows(services, user);
    return c.html(
      <>
        <ConfigTable rows={rows} canEdit={user.role === "admin"} />
        <FlashMessage message={message} />
      </>,
    );
  }

  async function renderForm(c: Context<AppEnv>, config?: ApiConfiguration) {
    const organizations = await listOrganizations(services.db);
    // Decrypted only to learn whether a username is stored; its value is not rendered.
    const stored = config
      ? await loadApiCredentials(services.db, services.cipher, config.id)
      : undefined;
    const hasStoredUsername = stored?.username !== undefined;
    return c.html(<ConfigFormDialog model={{ config, organizations, hasStoredUsername }} />);
  }

  // Per route, not with use(): this app shares the /admin/configs prefix with the row routes.
  const admins = requireRole("admin");
  return new Hono<AppEnv>()
    .get("/new", admins, (c) => renderForm(c))
    .post("/", admins, async (c) => {
      const parsed = await parseConfigForm(c, createSchema);
      if ("error" in parsed) return dialogError(c, configFormErrorId, 400, parsed.error);
      return await showRefusal(c, configFormErrorId, async () => {
        const created = await createConfigAction(services, c.get("user"), parsed.body);
        return await renderTable(c, `Configuration "${created.name}" created.`);
      });
    })
    .get("/:id/edit", admins, validate("param", idSchema), async (c) => {
      return renderForm(c, await loadConfigOr404(services, c.get("user"), c.req.valid("param").id));
    })
    .post("/:id", admins, validate("param", idSchema), async (c) => {
      const user = c.get("user");
      const config = await loadConfigOr404(services, user, c.req.valid("param").id);
      const parsed = await parseConfigForm(c, updateSchema);
      if ("error" in parsed) return dialogError(c, configFormErrorId, 400, parsed.error);
      const changes = changedConfigFields(parsed.body, config);
      if (Object.keys(changes).length === 0) {
        return await renderTable(c, `Configuration "${config.name}" was not changed.`);
      }
      return await showRefusal(c, configFormErrorId, async () => {
        const updated = await updateConfigAction(services, user, config.id, changes);
        return await renderTable(c, `Configuration "${updated.name}" saved.`);
      });
    })
    .get("/:id/delete-dialog", admins, validate("param", idSchema), async (c) => {
      const config = await loadConfigOr404(services, c.get("user"), c.req.valid("param").id);
      return c.html(
        <ConfirmDialog
          title={`Delete configuration: ${config.name}`}
          action={`/admin/configs/${config.id}/delete`}
          target={`#${configTableId}`}
          confirmLabel="Delete configuration"
          returnFocus={`${deleteButtonId(config.id)} ${addConfigButtonId}`}
        >
          <p>
            This deletes the configuration with its sync history, run logs and quarantined rows.
            Rows it synced stay in the database. It cannot be undone.
          </p>
        </ConfirmDialog>,
      );
    })
    .post("/:id/delete", admins, validate("param", idSchema), async (c) => {
      return await showRefusal(c, confirmErrorId, async () => {
        const deleted = await deleteConfigAction(services, c.get("user"), c.req.valid("param").id);
        return await renderTable(c, `Configuration "${deleted.name}" deleted.`);
      });
    });
}
