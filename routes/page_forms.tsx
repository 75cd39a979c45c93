import type { Context } from "hono";
import { HttpError } from "../lib/http_error.ts";
import { ErrorMessage } from "../views/layout.tsx";

/** A form as `parseBody({ all: true })` returns it: repeated names give arrays. */
export type FormFields = Record<string, string | File | (string | File)[] | undefined>;

/** Reads a form body. Fields that occur several times, such as checkboxes, become arrays. */
export async function readFormFields(c: Context): Promise<FormFields> {
  return await c.req.parseBody({ all: true }) as FormFields;
}

/** Returns every text value of a form field in form order, or none when it is missing. */
export function formTexts(form: FormFields, name: string): string[] {
  const value = form[name];
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  return values.filter((item): item is string => typeof item === "string");
}

/** Returns the first text value of a form field, or "" when it is missing. */
export function formText(form: FormFields, name: string): string {
  return formTexts(form, name)[0] ?? "";
}

/**
 * Responds with an error message that htmx puts into the dialog's error element (`elementId`)
 * in place of the response's usual target, so the dialog stays open with the typed values.
 */
export function dialogError(
  c: Context,
  elementId: string,
  status: 400 | 409,
  message: string,
): Response | Promise<Response> {
  c.header("HX-Retarget", `#${elementId}`);
  c.header("HX-Reswap", "innerHTML");
  return c.html(<ErrorMessage message={message} />, status);
}

/**
 * Runs a dialog's action and shows its 400 or 409 refusal, such as a duplicate name, in the
 * dialog's error element. Other errors go to the page error handler.
 */
export async function showRefusal(
  c: Context,
  elementId: string,
  action: () => Promise<Response>,
): Promise<Response> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof HttpError) || (error.status !== 400 && error.status !== 409)) {
      throw error;
    }
    return await dialogError(c, elementId, error.status, error.message);
  }
}
