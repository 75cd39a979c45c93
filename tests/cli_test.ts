import assert from "node:assert/strict";
import { credentialsRotateKey } from "../cli/credentials_rotate_key.ts";
import { dataClear } from "../cli/data_clear.ts";
import { feedsCheck } from "../cli/feeds_check.ts";
import { feedsUpdate, standardFeeds } from "../cli/feeds_update.ts";
import { readServerSentEvents } from "../cli/sse.ts";
import { type CliIo, type Command, runCommand } from "../cli/command.ts";
import { syncCommand } from "../cli/sync.ts";
import { listApiConfigurations, loadApiCredentials } from "../db/api_configurations.ts";
import { type Database, openPostgres } from "../db/database.ts";
import { seedDemo } from "../db/demo_seed.ts";
import { migrate } from "../db/migrate.ts";
import { createCredentialsCipher } from "../lib/credentials_cipher.ts";
import { lockDataDir } from "../lib/data_dir_lock.ts";
import { toBase64 } from "../lib/passwords.ts";
import { createTestDatabase, type TestDatabase } from "./support/postgres.ts";
import { adminEmail, adminPassword, startTestService } from "./support/service.ts";

const root = new URL("..", import.meta.url).pathname;
const randomKey = () => toBase64(crypto.getRandomValues(new Uint8Array(32)));

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  questions: string[];
}

/** Runs a task in this process with the given environment and, on a terminal, typed answers. */
async function run(
  command: Command,
  args: string[],
  env: Record<string, string>,
  terminal: { answers: string[] } | undefined = undefined,
): Promise<CliResult> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const questions: string[] = [];
  const io: CliIo = {
    env,
    stdout: (text) => stdout.push(text),
    stderr: (text) => stderr.push(text),
    stdinIsTerminal: terminal !== undefined,
    stdoutIsTerminal: terminal !== undefined,
    readLine: (question) => {
      questions.push(question);
      return Promise.resolve(terminal?.answers.shift() ?? null);
    },
    fetch,
  };
  const code = await runCommand(command, args, io);
  return { code, stdout: stdout.join(""), stderr: stderr.join(""), questions };
}

/** Runs a task file as its own process, as `deno task` does. */
async function runProcess(file: string, args: string[], env: Record<string, string> = {}) {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `cli/${file}`, ...args],
    cwd: root,
    env: { NO_COLOR: "1", DATABASE_URL: "", CREDENTIALS_KEY: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Creates a migrated database with the four demo configurations, credentials under `key`. */
async function demoDatabase() {
  const database = await createTestDatabase();
  const db = openPostgres(database.url, { max: 2 });
  await migrate(db);
  const key = randomKey();
  await seedDemo(db, await createCredentialsCipher(key), "http://127.0.0.1:9");
  const dataDir = await Deno.makeTempDir({ prefix: "pems-cli-test-" });
  return {
    db,
    key,
    env: { DATABASE_URL: database.url, DATA_DIR: dataDir },
    async configId(name: string) {
      const config = (await listApiConfigurations(db)).find((entry) => entry.name === name);
      return config!.id;
    },
    async close() {
      await db.close();
      await database.drop();
      await Deno.remove(dataDir, { recursive: true });
    },
  };
}

async function feedsOf(db: Database, name: string): Promise<unknown> {
  return (await listApiConfigurations(db)).find((config) => config.name === name)?.feeds;
}

async function countRows(db: Database, organization: string): Promise<number> {
  const [row] = await db.query<{ count: string }>(
    "select count(*) as count from pfa_records where organization = $1",
    [organization],
  );
  return Number(row.count);
}

Deno.test("cli: every task has --help and rejects unknown options", async () => {
  const tasks = [
    ["feeds_check.ts", "feeds:check"],
    ["feeds_update.ts", "feeds:update"],
    ["data_clear.ts", "data:clear"],
    ["sync.ts", "sync"],
    ["credentials_rotate_key.ts", "credentials:rotate-key"],
  ];
  for (const [file, name] of tasks) {
    const help = await runProcess(file, ["--help"]);
    assert.equal(help.code, 0, `${name} --help: ${help.stderr}`);
    assert.match(help.stdout, new RegExp(`^Usage: deno task ${name} `), name);
    assert.match(help.stdout, /Exit codes: 0 success, 1 error, 2 invalid usage/, name);

    const unknown = await runProcess(file, ["--colour", "red"]);
    assert.equal(unknown.code, 2, name);
    assert.match(unknown.stderr, new RegExp(`^${name}: unknown option --colour\n`), name);
    assert.match(unknown.stderr, new RegExp(`deno task ${name} --help`), name);
  }
});

Deno.test("cli: PGlite DATA_DIR in use is reported", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "pems-cli-pglite-" });
  try {
    const lock = await lockDataDir(dataDir);
    const busy = await runProcess("feeds_check.ts", [], { DATA_DIR: dataDir });
    lock.close();
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /DATA_DIR .* is in use by another pems-sync process: stop it/);

    const empty = await runProcess("feeds_check.ts", [], { DATA_DIR: dataDir });
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /no API configurations/);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("feeds:check prints a table and JSON", async () => {
  const t = await demoDatabase();
  try {
    await t.db.query("update api_configurations set feeds = null where name = 'PEMS Asset Master'");
    await t.db.query(
      `update api_configurations set first_sync_at = '2026-01-02T03:04:05Z',
         last_sync_at = '2026-01-03T00:00:00Z', last_sync_record_count = 2500,
         total_sync_record_count = 12345 where name = 'PEMS PFA Read'`,
    );

    const table = await run(feedsCheck, [], t.env);
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.split("\n");
    assert.match(lines[0], /^ID +NAME +USAGE +OPERATION +FIRST SYNC +LAST SYNC +LAST COUNT/);
    const pfa = lines.find((line) => line.includes("PEMS PFA Read"))!;
    assert.match(pfa, /2026-01-02 03:04:05Z +2026-01-03 00:00:00Z +2,500 +12,345 +\[\{/);
    assert.match(lines.find((line) => line.includes("PEMS Asset Master"))!, / NULL$/);
    assert.match(table.stdout, /1 configuration\(s\) without feeds \(NULL\).*"PEMS Asset Master"/);
    assert.match(table.stdout, /deno task feeds:update/);

    const json = await run(feedsCheck, ["--json"], t.env);
    assert.equal(json.code, 0);
    const reports = JSON.parse(json.stdout);
    assert.equal(reports.length, 4);
    const assets = reports.find((report: { name: string }) => report.name === "PEMS Asset Master");
    assert.equal(assets.feeds, null);
    assert.deepEqual(assets.pulls, []);
    const read = reports.find((report: { name: string }) => report.name === "PEMS PFA Read");
    assert.equal(read.firstSyncAt, "2026-01-02T03:04:05.000Z");
    assert.equal(read.lastSyncRecordCount, 2500);
    assert.equal(read.totalSyncRecordCount, 12345);
    assert.deepEqual(read.pulls, ["pfa"]);
    assert.equal(read.operationType, "read");
  } finally {
    await t.close();
  }
});

Deno.test("feeds:update sets the standard feeds once", async () => {
  const t = await demoDatabase();
  try {
    await t.db.query(
      "update api_configurations set feeds = null where name in ('PEMS Asset Master', 'PEMS Classifications')",
    );
    await t.db.query(
      `update api_configurations set feeds = '[{"entity":"pfa","operation":"push"}]'
       where name = 'PEMS PFA Write'`,
    );
    await t.db.query(
      `update api_configurations set feeds = '[{"entity":"pfa"}]' where name = 'PEMS PFA Read'`,
    );

    const first = await run(feedsUpdate, [], t.env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /3 updated, 0 unchanged, 1 kept\n$/);
    assert.match(
      first.stdout,
      /updated "PEMS Asset Master" \(id \d+, usage PEMS_ASSETS\): NULL -> /,
    );
    assert.match(first.stdout, /kept "PEMS PFA Read" .* pass --force to replace them/);
    assert.deepEqual(await feedsOf(t.db, "PEMS Asset Master"), standardFeeds.PEMS_ASSETS);
    assert.deepEqual(await feedsOf(t.db, "PEMS PFA Write"), standardFeeds.PEMS_PFA_WRITE);
    assert.deepEqual(await feedsOf(t.db, "PEMS PFA Read"), [{ entity: "pfa" }]);

    const again = await run(feedsUpdate, [], t.env);
    assert.match(again.stdout, /0 updated, 3 unchanged, 1 kept\n$/);

    const forced = await run(feedsUpdate, ["--force"], t.env);
    assert.match(forced.stdout, /1 updated, 3 unchanged, 0 kept\n$/);
    assert.deepEqual(await feedsOf(t.db, "PEMS PFA Read"), standardFeeds.PEMS_PFA_READ);
    const settled = await run(feedsUpdate, [], t.env);
    assert.match(settled.stdout, /0 updated, 4 unchanged, 0 kept\n$/);
  } finally {
    await t.close();
  }
});

Deno.test("feeds:update --config validates --feeds", async () => {
  const t = await demoDatabase();
  try {
    const id = await t.configId("PEMS Asset Master");
    const cases: [string[], number, RegExp][] = [
      [["--config", String(id), "--feeds", "[{"], 2, /invalid --feeds '\[\{': not JSON/],
      [
        ["--config", String(id), "--feeds", '[{"entity":"pfx"}]'],
        2,
        /invalid --feeds '\[\{"entity":"pfx"\}\]': 0\.entity: /,
      ],
      [["--config", String(id)], 2, /--config and --feeds go together/],
      [["--config", "abc", "--feeds", "null"], 2, /invalid --config "abc": expected a positive/],
      [["--config", "999", "--feeds", "null"], 1, /API configuration 999 not found/],
      [["--config"], 2, /option --config needs a value/],
    ];
    for (const [args, code, message] of cases) {
      const result = await run(feedsUpdate, args, t.env);
      assert.equal(result.code, code, args.join(" "));
      assert.match(result.stderr, message, args.join(" "));
    }
    assert.deepEqual(await feedsOf(t.db, "PEMS Asset Master"), standardFeeds.PEMS_ASSETS);

    const feeds = '[{"entity":"asset_master","views":["Asset Master","Spare"]}]';
    const set = await run(feedsUpdate, ["--config", String(id), "--feeds", feeds], t.env);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^updated "PEMS Asset Master"/);
    assert.deepEqual(await feedsOf(t.db, "PEMS Asset Master"), JSON.parse(feeds));
    const same = await run(feedsUpdate, [`--config=${id}`, `--feeds=${feeds}`], t.env);
    assert.match(same.stdout, /^unchanged "PEMS Asset Master"/);

    const cleared = await run(feedsUpdate, ["--config", String(id), "--feeds", "null"], t.env);
    assert.equal(cleared.code, 0);
    assert.equal(await feedsOf(t.db, "PEMS Asset Master"), null);
  } finally {
    await t.close();
  }
});

Deno.test("data:clear deletes the rows of one organization", async () => {
  const database: TestDatabase = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "pems-cli-clear-" });
  const env = { DATABASE_URL: database.url, DATA_DIR: dataDir };
  const t = await startTestService({ env: { ...env, PEMS_SIM_ROWS: "RIO=300,HOLNG=100" } });
  try {
    const configId = await t.configId("PEMS PFA Read");
    for (const organization of ["RIO", "HOLNG"]) {
      const started = await t.api("POST", "/api/pems/sync", {
        apiConfigId: configId,
        organization,
      });
      assert.equal((await t.waitForRun(started.body.syncId)).status, "completed");
    }
    const db = t.service.db;

    const piped = await run(dataClear, ["--org", "rio"], env);
    assert.equal(piped.code, 2);
    assert.match(piped.stderr, /stdin is not a terminal.*pass --yes/);
    const declined = await run(dataClear, ["--org", "RIO"], env, { answers: ["no"] });
    assert.equal(declined.code, 1);
    assert.deepEqual(declined.questions, [
      "Delete 300 pfa rows of organization RIO? Type yes to continue:",
    ]);
    assert.match(declined.stderr, /nothing deleted/);
    assert.equal(await countRows(db, "RIO"), 300);

    const confirmed = await run(dataClear, ["--org", "RIO"], env, { answers: ["yes"] });
    assert.equal(confirmed.code, 0, confirmed.stderr);
    assert.match(confirmed.stdout, /^deleted 300 pfa rows of organization RIO; configurations/);
    assert.match(confirmed.stdout, /start a full sync/);
    assert.equal(await countRows(db, "RIO"), 0);
    assert.equal(await countRows(db, "HOLNG"), 100);
    const [runs] = await db.query<{ count: string }>("select count(*) as count from sync_runs");
    assert.equal(Number(runs.count), 2, "sync history stays");
    assert.equal((await listApiConfigurations(db)).length, 4, "configurations stay");

    const assets = await run(dataClear, ["--all", "--entity", "asset_master", "--yes"], env);
    assert.equal(assets.code, 0);
    assert.match(assets.stdout, /nothing to delete: 0 asset_master rows of every organization/);
    const all = await run(dataClear, ["--all", "--yes"], env);
    assert.match(all.stdout, /^deleted 100 pfa rows of every organization/);
    assert.equal(await countRows(db, "HOLNG"), 0);
  } finally {
    await t.close();
    await database.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("data:clear rejects bad targets and active runs", async () => {
  const t = await demoDatabase();
  try {
    const usage: [string[], RegExp][] = [
      [[], /pass either --org CODE or --all/],
      [["--org", "RIO", "--all"], /pass either --org CODE or --all/],
      [["--org", "R IO"], /invalid --org "R IO": expected an EAM organization code/],
      [
        ["--all", "--entity", "assets"],
        /invalid --entity "assets": expected one of pfa, asset_master/,
      ],
      [["--all", "--yes=no"], /option --yes takes no value, but got "no"/],
    ];
    for (const [args, message] of usage) {
      const result = await run(dataClear, args, t.env);
      assert.equal(result.code, 2, args.join(" "));
      assert.match(result.stderr, message, args.join(" "));
    }

    const runId = crypto.randomUUID();
    await t.db.query(
      `insert into sync_runs (id, api_configuration_id, organization, entity, mode, status,
                              batch_size, page_size)
       values ($1, $2, 'BECH', 'pfa', 'full', 'queued', 100, 100)`,
      [runId, await t.configId("PEMS PFA Read")],
    );
    for (const args of [["--org", "BECH", "--yes"], ["--all", "--yes"]]) {
      const active = await run(dataClear, args, t.env);
      assert.equal(active.code, 1, args.join(" "));
      assert.match(
        active.stderr,
        new RegExp(`sync run ${runId} of pfa for organization BECH is active`),
      );
    }
    const other = await run(dataClear, ["--org", "RIO", "--yes"], t.env);
    assert.equal(other.code, 0, "a run of another organization does not block");
  } finally {
    await t.close();
  }
});

Deno.test("sync: follows a run to its end and sets the exit code", async () => {
  const t = await startTestService({
    env: { PEMS_SIM_ROWS: "RIO=1200,HOLNG=10", SYNC_BATCH_SIZE: "300" },
  });
  try {
    const configId = String(await t.configId("PEMS PFA Read"));
    const credentials = { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword };
    const env = { ...credentials, DATA_DIR: "/nonexistent" };

    const plain = await run(
      syncCommand,
      ["--config", configId, "--org", "rio", "--url", t.origin],
      env,
    );
    assert.equal(plain.code, 0, plain.stderr);
    assert.match(plain.stdout, /^sync run [0-9a-f-]{36} started on http:\/\/127\.0\.0\.1:\d+\n/);
    assert.match(plain.stdout, /\nprogress 100% 1,200\/1,200 rows, batch 4 of 4, completed\n/);
    assert.match(plain.stdout, / completed; 1,200 rows: 1,200 inserted, 0 updated, 0 unchanged/);

    const terminal = await run(
      syncCommand,
      ["--config", configId, "--org", "RIO", "--mode", "incremental", "--url", t.origin],
      env,
      { answers: [] },
    );
    assert.equal(terminal.code, 0, terminal.stderr);
    assert.ok(terminal.stdout.includes(`\r\x1b[2K[${"#".repeat(30)}] 100% `), terminal.stdout);
    assert.match(terminal.stdout, /\n[^\n]*completed; /);

    const patched = await t.api("PATCH", `/api/configs/${configId}`, {
      password: "wrong-password",
    });
    assert.equal(patched.status, 200);
    const failed = await run(
      syncCommand,
      [
        "--config",
        configId,
        "--org",
        "HOLNG",
        "--url",
        t.origin,
        "--email",
        adminEmail,
        "--password",
        adminPassword,
      ],
      {},
    );
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, / failed: /);
  } finally {
    await t.close();
  }
});

Deno.test("sync: bad options and unreachable services", async () => {
  const t = await startTestService();
  try {
    const env = { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword };
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const closedPort = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const cases: [string[], Record<string, string>, number, RegExp][] = [
      [["--org", "RIO"], env, 2, /missing --config ID/],
      [["--config", "x1", "--org", "RIO"], env, 2, /invalid --config "x1"/],
      [
        ["--config", "1", "--org", "RIO", "--mode", "fast"],
        env,
        2,
        /invalid --mode "fast": expected one of full, incremental/,
      ],
      [
        ["--config", "1", "--org", "RIO", "--url", "ftp://host"],
        env,
        2,
        /invalid --url "ftp:\/\/host"/,
      ],
      [
        ["--config", "1", "--org", "RIO", "--url", t.origin],
        {},
        2,
        /missing --email EMAIL \(or set ADMIN_EMAIL\)/,
      ],
      [
        ["--config", "1", "--org", "RIO", "--url", `http://127.0.0.1:${closedPort}`],
        env,
        1,
        /cannot reach the service at http:\/\/127\.0\.0\.1:\d+: .*deno task start/,
      ],
      [
        ["--config", "1", "--org", "RIO", "--url", t.origin, "--password", "not-the-password"],
        env,
        1,
        /login as admin@example\.test failed with HTTP 401: invalid email or password/,
      ],
      [
        ["--config", "999", "--org", "RIO", "--url", t.origin],
        env,
        1,
        /sync start failed with HTTP 404: API configuration 999 not found/,
      ],
    ];
    for (const [args, caseEnv, code, message] of cases) {
      const result = await run(syncCommand, args, caseEnv);
      assert.equal(result.code, code, args.join(" "));
      assert.match(result.stderr, message, args.join(" "));
    }
  } finally {
    await t.close();
  }
});

Deno.test("credentials:rotate-key re-encrypts every stored credential", async () => {
  const t = await demoDatabase();
  try {
    const env = { ...t.env, CREDENTIALS_KEY: t.key };
    const newKey = randomKey();
    const rotated = await run(credentialsRotateKey, ["--new-key", newKey], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    const next = await createCredentialsCipher(newKey);
    assert.match(
      rotated.stdout,
      new RegExp(
        `^re-encrypted 8 stored credential values of 4 configurations under key ${next.keyId}\n`,
      ),
    );
    assert.match(rotated.stdout, /set CREDENTIALS_KEY to the new key/);
    for (const output of [rotated.stdout, rotated.stderr]) {
      assert.ok(!output.includes(newKey), "the new key is not printed");
      assert.ok(!output.includes(t.key), "the old key is not printed");
      assert.ok(!output.includes("pems-demo"), "no credential is printed");
    }
    const id = await t.configId("PEMS PFA Read");
    assert.deepEqual(await loadApiCredentials(t.db, next, id), {
      username: "pems",
      secret: "pems-demo",
    });
    await assert.rejects(loadApiCredentials(t.db, await createCredentialsCipher(t.key), id));

    const repeated = await run(
      credentialsRotateKey,
      ["--new-key", newKey, "--old-key", t.key],
      env,
    );
    assert.equal(repeated.code, 0);
    assert.match(repeated.stdout, /re-encrypted 0 .* \(8 were already under it\)/);

    const wrongOld = randomKey();
    const wrong = await run(
      credentialsRotateKey,
      ["--new-key", randomKey(), "--old-key", wrongOld],
      env,
    );
    assert.equal(wrong.code, 1);
    const wrongId = (await createCredentialsCipher(wrongOld)).keyId;
    assert.match(
      wrong.stderr,
      new RegExp(`encrypted with key ${next.keyId}, but the old key is ${wrongId}`),
    );
    assert.deepEqual(await loadApiCredentials(t.db, next, id), {
      username: "pems",
      secret: "pems-demo",
    });

    const same = await run(credentialsRotateKey, ["--new-key", newKey, "--old-key", newKey], env);
    assert.equal(same.code, 2);
    assert.match(same.stderr, /--new-key is the current key/);
    const short = await run(credentialsRotateKey, ["--new-key", "c2hvcnQ="], env);
    assert.equal(short.code, 2);
    assert.match(short.stderr, /invalid --new-key \(value hidden\): expected 32 random bytes/);
    assert.ok(!short.stderr.includes("c2hvcnQ="));

    await t.db.query(
      `insert into sync_runs (id, api_configuration_id, organization, entity, mode, status,
                              batch_size, page_size)
       values ($1, $2, 'RIO', 'pfa', 'full', 'running', 100, 100)`,
      [crypto.randomUUID(), id],
    );
    const busy = await run(
      credentialsRotateKey,
      ["--new-key", randomKey(), "--old-key", newKey],
      env,
    );
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /1 sync runs are active/);
  } finally {
    await t.close();
  }
});

Deno.test("credentials:rotate-key updates secrets.json for the service", async () => {
  const database = await createTestDatabase();
  const dataDir = await Deno.makeTempDir({ prefix: "pems-cli-rotate-" });
  const env = { DATABASE_URL: database.url, DATA_DIR: dataDir };
  try {
    const first = await startTestService({ env });
    await first.close();
    const before = JSON.parse(await Deno.readTextFile(`${dataDir}/secrets.json`));

    const newKey = randomKey();
    const rotated = await run(credentialsRotateKey, ["--new-key", newKey], env);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /re-encrypted 8 /);
    assert.match(rotated.stdout, new RegExp(`updated ${dataDir}/secrets.json with the new key`));
    const after = JSON.parse(await Deno.readTextFile(`${dataDir}/secrets.json`));
    assert.equal(after.credentialsKey, newKey);
    assert.equal(after.jwtSecret, before.jwtSecret);
    assert.equal((await Deno.stat(`${dataDir}/secrets.json`)).mode! & 0o777, 0o600);
    const names = [];
    for await (const entry of Deno.readDir(dataDir)) names.push(entry.name);
    assert.ok(!names.some((name) => name.includes("rotating")), names.join(", "));

    const second = await startTestService({ env });
    try {
      const id = await second.configId("PEMS PFA Read");
      const tested = await second.api("POST", `/api/configs/${id}/test`, {});
      assert.equal(tested.status, 200);
      assert.equal(tested.body.ok, true, tested.body.error);
    } finally {
      await second.close();
    }
  } finally {
    await database.drop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("sse reader: fields, comments and split chunks", async () => {
  const text =
    ': heartbeat\n\nevent: progress\ndata: {"a":1}\n\r\nevent: done\r\ndata: line one\r\n' +
    "data: line two\r\n\r\ndata:no-space\n\nevent: ignored-without-data\n\n";
  const encoded = new TextEncoder().encode(text);
  // Chunks of 3 bytes split lines, CRLF pairs and field names.
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < encoded.length; i += 3) controller.enqueue(encoded.slice(i, i + 3));
      controller.close();
    },
  });
  const events = [];
  for await (const event of readServerSentEvents(body)) events.push(event);
  assert.deepEqual(events, [
    { event: "progress", data: '{"a":1}' },
    { event: "done", data: "line one\nline two" },
    { event: "message", data: "no-space" },
  ]);
});
