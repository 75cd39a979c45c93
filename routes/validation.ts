import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { HttpError } from "../lib/http_error.ts";

const targetNames: Partial<Record<keyof ValidationTargets, string>> = {
  json: "request body",
  query: "query parameters",
  param: "path parameters",
  form: "form",
};

/**
 * Validates a request part with zod; an invalid one gets 400 `invalid_request` with each issue's
 * path and message in `details`.
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(
  target: Target,
  schema: T,
) {
  return zValidator(target, schema, (result) => {
    if (result.success) return;
    const details = result.error.issues.map((issue) => ({
      path: issue.path.join("."),
      message: issue.message,
    }));
    const name = targetNames[target] ?? target;
    const summary = details.map((detail) => `${detail.path || name}: ${detail.message}`);
    throw new HttpError(400, "invalid_request", `invalid ${name}: ${summary.join("; ")}`, details);
  });
}
