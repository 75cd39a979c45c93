import { adminEmail, adminPassword } from "./service.ts";

/** The service running as its own process, so a test can kill it. */
export interface ServiceProcess {
  origin: string;
  token: string;
  /** Sends a JSON request with the admin's token. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Sends SIGKILL and waits for the process to end. */
  kill(): Promise<void>;
  /** Sends SIGTERM and waits for the process to end. */
  stop(): Promise<void>;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/**
 * Starts `main.ts` with `env` plus a free port and the test admin, waits until /healthz returns 200
 * and logs in. Output goes to `logFile` when given, else is dropped.
 */
export async function startServiceProcess(
  env: Record<string, string>,
  options: { port?: number; logFile?: string } = {},
): Promise<ServiceProcess & { port: number }> {
  const port = options.port ?? freePort();
  const log = options.logFile
    ? await Deno.open(options.logFile, { create: true, append: true, write: true })
    : undefined;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../../main.ts", import.meta.url).pathname],
    env: {
      PORT: String(port),
      ADMIN_EMAIL: adminEmail,
      ADMIN_PASSWORD: adminPassword,
      LOG_LEVEL: "warn",
      NO_COLOR: "1",
      ...env,
    },
    stdout: log ? "piped" : "null",
    stderr: log ? "piped" : "null",
  }).spawn();
  if (log) {
    // Both streams append to one file, chunk by chunk.
    const copy = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) await log.write(chunk);
    };
    Promise.all([copy(child.stdout), copy(child.stderr)]).finally(() => log.close()).catch(
      () => {},
    );
  }
  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (true) {
    try {
      const response = await fetch(`${origin}/healthz`);
      await response.body?.cancel();
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await child.status;
      throw new Error(`service on port ${port} did not become healthy within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const login = await fetch(`${origin}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: adminEmail, password: adminPassword }),
  });
  const { token } = await login.json();
  const end = async (signal: Deno.Signal) => {
    try {
      child.kill(signal);
    } catch {
      // Already ended.
    }
    await child.status;
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(origin + path, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  };
  return { origin, port, token, api, kill: () => end("SIGKILL"), stop: () => end("SIGTERM") };
}

/**
 * Configures a process started with PEMS_DEMO=false to pull PFA from a simulator on
 * `simulatorPort`, adds organization RIO, starts a full sync of RIO and returns the run id.
 */
export async function startRioSync(
  service: ServiceProcess,
  simulatorPort: number,
  pageSize: number,
): Promise<string> {
  const created = await service.api("POST", "/api/configs", {
    name: "PFA on the test simulator",
    usage: "PEMS_PFA_READ",
    url: `http://127.0.0.1:${simulatorPort}/axis/restservices/griddata`,
    authType: "basic",
    username: "pems",
    password: "pems-demo",
    customHeaders: { tenant: "DEMO_DEV" },
    feeds: [{ entity: "pfa" }],
    pageSize,
  });
  if (created.status !== 201) {
    throw new Error(`config not created: ${JSON.stringify(created.body)}`);
  }
  await service.api("POST", "/api/organizations", { code: "RIO", name: "Rio" });
  const started = await service.api("POST", "/api/pems/sync", {
    apiConfigId: created.body.id,
    organization: "RIO",
    mode: "full",
  });
  if (started.status !== 202) throw new Error(`sync not started: ${JSON.stringify(started.body)}`);
  return started.body.syncId;
}
