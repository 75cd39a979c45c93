import { loadConfig } from "../../lib/config.ts";
import { type Service, startService } from "../../lib/service.ts";
import { createTestDatabase, type TestDatabase } from "./postgres.ts";

export const adminEmail = "admin@example.test";
export const adminPassword = "correct-horse-battery-staple";

/** A service running in this process for one test, with its own database and data folder. */
export interface TestService {
  service: Service;
  origin: string;
  token: string;
  /** Sends a JSON request with the admin's token (or `token: null` for none). */
  api(
    method: string,
    path: string,
    body?: unknown,
    options?: { token?: string | null },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  /** Polls a run until it ends and returns its final progress. */
  waitForRun(syncId: string, timeoutMs?: number): Promise<any>;
  configId(name: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Starts the service on a fresh Postgres database (or PGlite with `pglite: true`) with the demo
 * simulator and an admin account, and logs in.
 */
export async function startTestService(
  options: { env?: Record<string, string>; pglite?: boolean } = {},
): Promise<TestService> {
  const database: TestDatabase | undefined = options.pglite
    ? undefined
    : await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "pems-sync-test-" });
  const config = loadConfig({
    DATABASE_URL: database?.url,
    DATA_DIR: dataDir,
    PORT: "0",
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    PEMS_DEMO: "1",
    LOG_LEVEL: "error",
    ...options.env,
  });
  const service = await startService(config);
  const origin = service.origin;

  const api: TestService["api"] = async (method, path, body, requestOptions = {}) => {
    const headers: Record<string, string> = {};
    const token = requestOptions.token === undefined ? testService.token : requestOptions.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(origin + path, {
      method,
      headers,
      body: typeof body === "string" || body === undefined ? body : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // Not JSON: tests see the text.
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };

  const testService: TestService = {
    service,
    origin,
    token: "",
    api,
    async waitForRun(syncId, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const { body } = await api("GET", `/api/pems/sync/${syncId}`);
        if (["completed", "failed", "cancelled"].includes(body.status)) return body;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`sync run ${syncId} did not end within ${timeoutMs} ms`);
    },
    async configId(name) {
      const { body } = await api("GET", "/api/configs");
      const config = body.configs.find((entry: { name: string }) => entry.name === name);
      if (!config) throw new Error(`no configuration named ${name}`);
      return config.id;
    },
    async close() {
      await service.close();
      await database?.drop();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
  const login = await api("POST", "/api/auth/login", {
    email: adminEmail,
    password: adminPassword,
  }, { token: null });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login.body)}`);
  testService.token = login.body.token;
  return testService;
}
