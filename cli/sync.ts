import { loadConfig } from "../lib/config.ts";
import type { SyncProgress } from "../sync/progress.ts";
import {
  CliError,
  type CliIo,
  type Command,
  main,
  type OptionValues,
  parseChoice,
  parseId,
  parseOrganization,
  requiredOption,
  stringOption,
  UsageError,
} from "./command.ts";
import { createProgressDisplay, describeOutcome } from "./progress_display.ts";
import { readServerSentEvents } from "./sse.ts";

const terminal = new Set(["completed", "failed", "cancelled"]);
const maxReconnects = 5;

/** A logged-in connection to a running service. */
interface Session {
  origin: string;
  token?: string;
  fetch: typeof fetch;
}

async function send(
  session: Session,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (session.token) headers.authorization = `Bearer ${session.token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  try {
    return await session.fetch(session.origin + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new CliError(
      `cannot reach the service at ${session.origin}: ${(error as Error).message}. ` +
        `Start it with "deno task start", or pass --url`,
    );
  }
}

/** Reads a JSON body; an error response becomes a CliError with the service's message. */
async function readJson(response: Response, action: string): Promise<any> {
  const text = await response.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    throw new CliError(`${action} failed with HTTP ${response.status}: the response is not JSON`);
  }
  return body;
}

function failure(action: string, response: Response, body: any): CliError {
  const message = body?.error?.message ?? `HTTP ${response.status}`;
  return new CliError(`${action} failed with HTTP ${response.status}: ${message}`);
}

async function login(session: Session, email: string, password: string): Promise<Session> {
  const response = await send(session, "POST", "/api/auth/login", { email, password });
  const body = await readJson(response, "login");
  if (response.status !== 200) throw failure(`login as ${email}`, response, body);
  return { ...session, token: body.token };
}

/**
 * Starts a run and returns its id. When the configuration and organization already have an
 * active run, returns that run's id with `started: false`.
 */
async function startRun(
  session: Session,
  request: Record<string, unknown>,
): Promise<{ syncId: string; started: boolean }> {
  const response = await send(session, "POST", "/api/pems/sync", request);
  const body = await readJson(response, "sync start");
  if (response.status === 202) return { syncId: body.syncId, started: true };
  if (response.status === 409 && body?.error?.details?.syncId) {
    return { syncId: body.error.details.syncId, started: false };
  }
  throw failure("sync start", response, body);
}

async function fetchProgress(session: Session, syncId: string): Promise<SyncProgress> {
  const response = await send(session, "GET", `/api/pems/sync/${syncId}`);
  const body = await readJson(response, "progress request");
  if (response.status !== 200) throw failure("progress request", response, body);
  return body;
}

/** Follows the SSE stream until the `done` event; reconnects when the stream breaks. */
async function followRun(session: Session, syncId: string, io: CliIo): Promise<SyncProgress> {
  const display = createProgressDisplay(io);
  try {
    for (let attempt = 0; attempt <= maxReconnects; attempt++) {
      const response = await send(session, "GET", `/api/pems/sync/${syncId}/events`);
      if (response.status !== 200 || !response.body) {
        throw failure("progress stream", response, await readJson(response, "progress stream"));
      }
      try {
        for await (const event of readServerSentEvents(response.body)) {
          if (event.event !== "progress" && event.event !== "done") continue;
          const progress = JSON.parse(event.data) as SyncProgress;
          display.show(progress);
          if (event.event === "done") return progress;
        }
      } catch {
        // The connection broke; the run goes on in the service, so look again below.
      }
      const progress = await fetchProgress(session, syncId);
      if (terminal.has(progress.status)) return progress;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    display.finish();
  }
  throw new CliError(
    `the progress stream of sync run ${syncId} broke ${maxReconnects + 1} times; the run goes ` +
      `on in the service: follow it with GET /api/pems/sync/${syncId}`,
  );
}

function defaultOrigin(io: CliIo): string {
  const config = loadConfig(io.env);
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
}

function parseOrigin(text: string): string {
  const url = URL.parse(text);
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new UsageError(
      `invalid --url "${text}": expected the service's http(s) address such as ` +
        "http://127.0.0.1:8000",
    );
  }
  return url.origin;
}

/** sync: starts a run through a running service's REST API and follows it to the end. */
export const syncCommand: Command = {
  name: "sync",
  usage: "--config ID --org CODE [--mode full|incremental] [--entity ENTITY] " +
    "[--url URL] [--email EMAIL] [--password PASSWORD]",
  description: "Starts a sync run on a running service (POST /api/pems/sync) and follows its " +
    "progress until it ends: a progress bar on a terminal, else one line per change. Exits 0 " +
    "when the run completed and 1 when it failed or was cancelled. Credentials default to " +
    "ADMIN_EMAIL and ADMIN_PASSWORD; the address defaults to HOST and PORT.",
  options: [
    { name: "config", type: "string", valueName: "ID", description: "API configuration id" },
    { name: "org", type: "string", valueName: "CODE", description: "organization, such as RIO" },
    {
      name: "mode",
      type: "string",
      valueName: "MODE",
      description: "full (default) or incremental",
    },
    {
      name: "entity",
      type: "string",
      valueName: "ENTITY",
      description: "pfa, asset_master or classifications; only for configurations with several",
    },
    { name: "url", type: "string", valueName: "URL", description: "the service's address" },
    { name: "email", type: "string", valueName: "EMAIL", description: "login email" },
    { name: "password", type: "string", valueName: "PASSWORD", description: "login password" },
  ],
  async run(options: OptionValues, io: CliIo) {
    const request = {
      apiConfigId: parseId("config", requiredOption(options, "config", "ID")),
      organization: parseOrganization("org", requiredOption(options, "org", "CODE")),
      mode: parseChoice("mode", stringOption(options, "mode") ?? "full", ["full", "incremental"]),
      ...(stringOption(options, "entity") === undefined ? {} : {
        entity: parseChoice("entity", stringOption(options, "entity")!, [
          "pfa",
          "asset_master",
          "classifications",
        ]),
      }),
    };
    const urlText = stringOption(options, "url");
    const origin = urlText === undefined ? defaultOrigin(io) : parseOrigin(urlText);
    const email = stringOption(options, "email") ?? io.env.ADMIN_EMAIL;
    const password = stringOption(options, "password") ?? io.env.ADMIN_PASSWORD;
    if (!email) throw new UsageError("missing --email EMAIL (or set ADMIN_EMAIL)");
    if (!password) throw new UsageError("missing --password PASSWORD (or set ADMIN_PASSWORD)");

    const session = await login({ origin, fetch: io.fetch }, email, password);
    const { syncId, started } = await startRun(session, request);
    io.stdout(
      started
        ? `sync run ${syncId} started on ${origin}\n`
        : `sync run ${syncId} of this configuration and organization is already active: ` +
          "following it\n",
    );
    const outcome = await followRun(session, syncId, io);
    io.stdout(describeOutcome(outcome) + "\n");
    return outcome.status === "completed" ? 0 : 1;
  },
};

if (import.meta.main) await main(syncCommand);
