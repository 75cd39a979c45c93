import type { Context } from "hono";
import type { z } from "zod";
import type { ApiConfiguration } from "../db/api_configurations.ts";
import { namedHeaders } from "../views/config_header_fields.tsx";
import type { ConfigBody } from "./config_actions.ts";
import type { createSchema, updateSchema } from "./configs.ts";
import { type FormFields, formText, formTexts, readFormFields } from "./page_forms.tsx";

/** A configuration form read into the shape of the POST /api/configs body, not yet validated. */
interface ConfigForm {
  body: Record<string, unknown>;
  /** Problems found before validation, such as invalid JSON in the feeds field. */
  problems: string[];
}

/** Reads a number field. Other text goes to the schema as it is, which rejects it. */
function numberOrText(value: string): number | string {
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

function readHeaders(form: FormFields, problems: string[]) {
  const headers: Record<string, string> = {};
  const seen = new Set<string>();
  const add = (name: string, value: string) => {
    if (seen.has(name.toLowerCase())) {
      problems.push(`custom header "${name}" is set twice: keep one of them`);
    }
    seen.add(name.toLowerCase());
    headers[name] = value;
  };
  for (const name of namedHeaders) {
    const value = formText(form, name).trim();
    if (value) add(name, value);
  }
  const names = formTexts(form, "headerName");
  const values = formTexts(form, "headerValue");
  for (let i = 0; i < Math.max(names.length, values.length); i++) {
    const name = (names[i] ?? "").trim();
    const value = (values[i] ?? "").trim();
    if (!name && !value) continue;
    if (!name) problems.push(`custom header value "${value}" has no name: add one or clear it`);
    else add(name, value);
  }
  return headers;
}

function readFeeds(value: string, problems: string[]): unknown {
  if (!value.trim()) return null;
  try {
    return JSON.parse(value);
  } catch (error) {
    problems.push(`feeds: invalid JSON (${(error as SyntaxError).message}): fix it or clear it`);
    return undefined;
  }
}

function readCredentials(form: FormFields, body: Record<string, unknown>) {
  if (formText(form, "clearCredentials") === "true") {
    body.username = null;
    body.password = null;
  }
  const username = formText(form, "username");
  if (username) body.username = username;
  const secret = formText(form, "secret");
  if (secret) {
    delete body.password;
    body[body.authType === "apiKey" ? "apiKey" : "password"] = secret;
  }
}

/**
 * Reads the connectivity page's configuration form into the fields of POST /api/configs. Empty
 * credential fields are left out, so the stored credentials stay unless the Remove box is ticked.
 */
async function readConfigForm(c: Context): Promise<ConfigForm> {
  const form = await readFormFields(c);
  const problems: string[] = [];
  const body: Record<string, unknown> = {
    name: formText(form, "name"),
    usage: formText(form, "usage"),
    url: formText(form, "url").trim(),
    authType: formText(form, "authType"),
    customHeaders: readHeaders(form, problems),
    organization: formText(form, "organization") || null,
    operationType: formText(form, "operationType"),
    feeds: readFeeds(formText(form, "feeds"), problems),
    pageSize: numberOrText(formText(form, "pageSize").trim()),
    timeZone: formText(form, "timeZone").trim(),
    allowSchemaDrift: formText(form, "allowSchemaDrift") === "true",
    incrementalOverlapSeconds: numberOrText(formText(form, "incrementalOverlapSeconds").trim()),
  };
  if (body.feeds === undefined) delete body.feeds;
  readCredentials(form, body);
  return { body, problems };
}

const fieldLabels: Record<string, string> = {
  name: "name",
  usage: "usage",
  url: "URL",
  authType: "auth type",
  username: "username",
  password: "password",
  apiKey: "API key",
  customHeaders: "custom header",
  organization: "organization",
  operationType: "operation",
  feeds: "feeds",
  pageSize: "page size",
  timeZone: "time zone",
  allowSchemaDrift: "allow schema drift",
  incrementalOverlapSeconds: "incremental overlap",
};

/**
 * Reads the configuration form and validates it with the create or the update schema of
 * /api/configs. Returns the parsed body, or one message that names every problem.
 */
export async function parseConfigForm(
  c: Context,
  schema: typeof createSchema | typeof updateSchema,
): Promise<{ body: ConfigBody } | { error: string }> {
  const form = await readConfigForm(c);
  const parsed = schema.safeParse(form.body);
  const problems = [...form.problems];
  if (!parsed.success) problems.push(describeConfigIssues(parsed.error.issues));
  if (problems.length > 0 || !parsed.success) return { error: problems.join("; ") };
  return { body: parsed.data };
}

/** Joins validation issues into one message that names each form field by its label. */
function describeConfigIssues(issues: z.core.$ZodIssue[]): string {
  return issues.map((issue) => {
    const [field, ...rest] = issue.path.map(String);
    const label = field === undefined ? "form" : fieldLabels[field] ?? field;
    if (field === "customHeaders" && rest.length > 0) {
      // zod reports an invalid record key as "Invalid key in record", with the reason inside.
      const reason = issue.code === "invalid_key" ? issue.issues[0]?.message : undefined;
      return `${label} "${rest[0]}": ${reason ?? issue.message}`;
    }
    if (field === "feeds" && rest.length > 0) {
      const [index, ...inner] = rest;
      const where = [`feed ${Number(index) + 1}`, ...inner].join(" ");
      return `${label}, ${where}: ${issue.message}`;
    }
    return `${label}: ${issue.message}`;
  }).join("; ");
}

/** Returns JSON with object keys sorted, so that equal values compare equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner) => {
    if (inner === null || typeof inner !== "object" || Array.isArray(inner)) return inner;
    return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => a.localeCompare(b)));
  });
}

/**
 * Returns the fields of `body` whose value differs from the stored configuration, so that an
 * update writes and audits only what the admin changed. Credentials always count as changed,
 * because their stored values are never compared.
 */
export function changedConfigFields(body: ConfigBody, config: ApiConfiguration): ConfigBody {
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(body)) {
    if (value === undefined) continue;
    const credential = field === "username" || field === "password" || field === "apiKey";
    const stored = (config as unknown as Record<string, unknown>)[field];
    if (credential || canonicalJson(value) !== canonicalJson(stored)) changes[field] = value;
  }
  return changes as ConfigBody;
}
