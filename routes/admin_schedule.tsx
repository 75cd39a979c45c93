import { type Context, Hono } from "hono";
import { z } from "zod";
import { ConfigRow } from "../views/config_row.tsx";
import { ErrorMessage } from "../views/layout.tsx";
import { ScheduleDialog, scheduleErrorId } from "../views/schedule_dialog.tsx";
import { listActiveProgress, loadConfigOr404, toConfigRowModel } from "./admin_configs.tsx";
import { requireRole } from "./auth.ts";
import { updateConfigAction } from "./config_actions.ts";
import { updateSchema } from "./configs.ts";
import type { AppEnv, Services } from "./context.ts";
import { validate } from "./validation.ts";

const idSchema = z.object({ id: z.coerce.number().int().positive() });

// The rule of PATCH /api/configs, so the page and the REST API accept the same schedules.
const scheduleSchema = updateSchema.pick({ schedule: true, scheduleOrganizations: true });

/** Reads the dialog's form: organization codes are separated by commas or spaces. */
async function readScheduleForm(c: Context) {
  const form = await c.req.parseBody();
  const schedule = typeof form.schedule === "string" ? form.schedule : "";
  const text = typeof form.organizations === "string" ? form.organizations : "";
  const codes = text.split(/[\s,]+/).filter((code) => code.length > 0);
  return { schedule, scheduleOrganizations: codes.length > 0 ? codes : null };
}

function describeIssues(
  issues: z.core.$ZodIssue[],
  codes: string[] | null,
): string {
  return issues.map((issue) => {
    const [field, index] = issue.path;
    if (field === "scheduleOrganizations" && typeof index === "number" && codes) {
      return `organization "${codes[index]}": ${issue.message}`;
    }
    return issue.message;
  }).join("; ");
}

/**
 * /admin/configs/:id/schedule-dialog and /admin/configs/:id/schedule: the dialog that edits a
 * configuration's schedule, for admins, and its submission. A valid schedule is saved as
 * PATCH /api/configs saves it, and the response is the configuration's new table row. An invalid
 * one gets 400 with the message, which htmx puts into the dialog.
 */
export function adminScheduleRoutes(services: Services) {
  // Per route, not with use(): this app shares the /admin/configs prefix with the row routes.
  const admins = requireRole("admin");
  return new Hono<AppEnv>()
    .get("/:id/schedule-dialog", admins, validate("param", idSchema), async (c) => {
      const config = await loadConfigOr404(services, c.get("user"), c.req.valid("param").id);
      return c.html(<ScheduleDialog config={config} />);
    })
    .post("/:id/schedule", admins, validate("param", idSchema), async (c) => {
      const user = c.get("user");
      const { id } = c.req.valid("param");
      await loadConfigOr404(services, user, id);
      const values = await readScheduleForm(c);
      const parsed = scheduleSchema.safeParse(values);
      if (!parsed.success) {
        c.header("HX-Retarget", `#${scheduleErrorId}`);
        c.header("HX-Reswap", "innerHTML");
        const message = describeIssues(parsed.error.issues, values.scheduleOrganizations);
        return c.html(<ErrorMessage message={message} />, 400);
      }
      const updated = await updateConfigAction(services, user, id, parsed.data);
      const model = toConfigRowModel(updated, await listActiveProgress(services), user);
      return c.html(<ConfigRow model={model} />);
    });
}
