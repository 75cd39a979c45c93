import assert from "node:assert/strict";
import { ConfigError, loadConfig } from "../lib/config.ts";

Deno.test("config: defaults without any variable", () => {
  const config = loadConfig({});
  assert.equal(config.port, 8000);
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.dataDir, "./data");
  assert.equal(config.kvPath, "./data/kv.sqlite3");
  assert.equal(config.demo, undefined);
  assert.equal(config.syncBatchSize, 1000);
  assert.equal(config.production, false);
});

Deno.test("config: invalid values name the variable and value", () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ PORT: "eighty" }, /PORT="eighty"/],
    [{ PORT: "70000" }, /PORT="70000"/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL=\(hidden\): expected a postgres/],
    [{ PEMS_DEMO: "maybe" }, /PEMS_DEMO="maybe": expected one of/],
    [{ CREDENTIALS_KEY: "short" }, /CREDENTIALS_KEY=\(hidden\): expected 32 random bytes/],
    [{ JWT_SECRET: "tiny" }, /JWT_SECRET=\(hidden\): must be at least 32/],
    [{ ADMIN_EMAIL: "nobody", ADMIN_PASSWORD: "long-enough-password" }, /ADMIN_EMAIL="nobody"/],
    [{ ADMIN_EMAIL: "a@b.test" }, /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/],
    [{ PEMS_SIM_ROWS: "RIO=lots" }, /PEMS_SIM_ROWS="RIO=lots"/],
    [{ LOG_LEVEL: "chatty" }, /LOG_LEVEL="chatty"/],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadConfig(env), (error: Error) => {
      assert.ok(error instanceof ConfigError, JSON.stringify(env));
      assert.match(error.message, message);
      return true;
    });
  }
});

Deno.test("config: secrets are required in production", () => {
  assert.throws(
    () => loadConfig({ NODE_ENV: "production" }),
    /missing JWT_SECRET, CREDENTIALS_KEY, DATABASE_URL: required in production/,
  );
  const config = loadConfig({
    DENO_DEPLOYMENT_ID: "abc",
    JWT_SECRET: "x".repeat(32),
    CREDENTIALS_KEY: btoa("k".repeat(32)),
    DATABASE_URL: "postgres://u@h/db",
  });
  assert.equal(config.production, true);
});

Deno.test("config: main.ts exits 1 with the message on a bad value", async () => {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname],
    env: { PORT: "eighty", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(output.code, 1);
  assert.match(new TextDecoder().decode(output.stderr), /PORT="eighty"/);
});
