/**
 * Standalone PEMS simulator server (`deno task pems:sim`). Settings come from `PEMS_SIM_*`
 * environment variables (see {@linkcode readServerSettings}). Logs are JSON lines on stderr.
 *
 * @module
 */

import {
  createSimulator,
  DEFAULT_ORGANIZATIONS,
  type Simulator,
  type SimulatorOptions,
} from "./handler.ts";
import { readServerSettings, type ServerSettings } from "./settings.ts";

/** Rejected requests logged per minute; further rejections are counted and reported once. */
const REJECTIONS_LOGGED_PER_MINUTE = 20;

function log(level: "info" | "warn" | "error", message: string, fields = {}): void {
  console.error(JSON.stringify({ time: new Date().toISOString(), level, message, ...fields }));
}

/** Logs rejected requests, at most REJECTIONS_LOGGED_PER_MINUTE lines per minute. */
class RejectionLog {
  private windowStart = 0;
  private logged = 0;
  private suppressed = 0;

  async record(request: Request, response: Response): Promise<void> {
    const now = Date.now();
    if (now - this.windowStart >= 60_000) {
      if (this.suppressed > 0) {
        log("warn", "rejected requests not logged in the last minute", { count: this.suppressed });
      }
      [this.windowStart, this.logged, this.suppressed] = [now, 0, 0];
    }
    if (this.logged >= REJECTIONS_LOGGED_PER_MINUTE) {
      this.suppressed++;
      return;
    }
    this.logged++;
    let reason = "";
    try {
      const body = await response.clone().json();
      reason = body?.ErrorAlert?.[0]?.Message ?? "";
    } catch {
      reason = "(body is not an ErrorAlert envelope)";
    }
    const path = new URL(request.url).pathname;
    const organization = request.headers.get("organization");
    log("warn", "request rejected", {
      status: response.status,
      method: request.method,
      path,
      organization,
      reason,
    });
  }
}

/** Returns the startup log fields: row counts and settings, without the password. */
function describeSimulator(
  simulator: Simulator,
  options: SimulatorOptions,
): Record<string, unknown> {
  const organizations = new Set([...DEFAULT_ORGANIZATIONS, ...Object.keys(options.pfaRows ?? {})]);
  const [firstOrganization] = organizations;
  const pfaRows = Object.fromEntries(
    [...organizations].map((
      organization,
    ) => [organization, simulator.rowCount("CUPFAG", organization)]),
  );
  return {
    pfaRows,
    assetRows: simulator.rowCount("OSOBJA", firstOrganization),
    classificationRows: simulator.rowCount("OSCATG", firstOrganization),
    revision: simulator.revision,
    seed: options.seed ?? 1,
    tenant: options.tenant ?? "DEMO_DEV",
    username: options.username ?? "pems",
    apiKeyEnabled: options.apiKey !== undefined,
    faults: (options.faults ?? []).map((fault) => fault.kind),
  };
}

async function main(): Promise<void> {
  let settings: ServerSettings;
  let simulator: Simulator;
  try {
    settings = readServerSettings((name) => Deno.env.get(name));
    simulator = createSimulator(settings.options);
  } catch (error) {
    log("error", "invalid simulator settings", { error: (error as Error).message });
    Deno.exit(1);
  }

  const rejections = new RejectionLog();
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname: settings.hostname,
      port: settings.port,
      onListen: ({ hostname, port }) => {
        log("info", "pems simulator started", {
          url: `http://${hostname}:${port}/axis/restservices/griddata`,
          ...describeSimulator(simulator, settings.options),
        });
      },
    }, async (request) => {
      const response = await simulator.handle(request);
      if (response.status >= 400) await rejections.record(request, response);
      return response;
    });
  } catch (error) {
    log("error", "pems simulator failed to listen", {
      hostname: settings.hostname,
      port: settings.port,
      error: (error as Error).message,
    });
    Deno.exit(1);
  }

  const stop = (signal: Deno.Signal) => {
    log("info", "pems simulator stopping", { signal, requests: simulator.requestCount });
    server.shutdown();
  };
  Deno.addSignalListener("SIGINT", () => stop("SIGINT"));
  Deno.addSignalListener("SIGTERM", () => stop("SIGTERM"));
  await server.finished;
  log("info", "pems simulator stopped");
  Deno.exit(0);
}

if (import.meta.main) {
  await main();
}
