import assert from "node:assert/strict";
import { startTestService } from "./support/service.ts";

Deno.test("validation: every endpoint rejects bad input with a clear 400", async () => {
  const t = await startTestService();
  try {
    const configId = await t.configId("PEMS PFA Read");
    const uuid = crypto.randomUUID();
    const cases: [string, string, unknown, number, RegExp, string | null][] = [
      ["POST", "/api/auth/login", { email: "a@b.c" }, 400, /password/, null],
      ["POST", "/api/auth/login", "{not json", 400, /json|JSON/, null],
      [
        "POST",
        "/api/auth/login",
        { email: "a@b.c", password: "x", extra: 1 },
        400,
        /extra|Unrecognized/i,
        null,
      ],
      ["POST", "/api/pems/sync", { apiConfigId: "1", organization: "RIO" }, 400, /apiConfigId/, ""],
      [
        "POST",
        "/api/pems/sync",
        { apiConfigId: configId, organization: "RIO OR 1" },
        400,
        /organization/,
        "",
      ],
      [
        "POST",
        "/api/pems/sync",
        { apiConfigId: configId, organization: "RIO", mode: "fast" },
        400,
        /mode/,
        "",
      ],
      [
        "POST",
        "/api/pems/sync",
        { apiConfigId: configId, organization: "RIO", force: true },
        400,
        /force/,
        "",
      ],
      [
        "POST",
        "/api/pems/sync",
        { apiConfigId: configId, organization: "RIO", entity: "users" },
        400,
        /entity/,
        "",
      ],
      ["GET", "/api/pems/sync/not-a-uuid", undefined, 400, /syncId/, ""],
      ["GET", `/api/pems/sync/${uuid}`, undefined, 404, /not found/, ""],
      ["GET", `/api/pems/sync/${uuid}/events`, undefined, 404, /not found/, ""],
      ["POST", `/api/pems/sync/${uuid}/cancel`, undefined, 404, /not found/, ""],
      ["POST", "/api/pems/sync/nope/cancel", undefined, 400, /syncId/, ""],
      ["GET", `/api/pems/sync/${uuid}/quarantine`, undefined, 404, /not found/, ""],
      ["GET", `/api/pems/sync/${uuid}/quarantine?limit=0`, undefined, 400, /limit/, ""],
      [
        "GET",
        `/api/pems/sync/${uuid}/quarantine?color=red`,
        undefined,
        400,
        /color|Unrecognized/i,
        "",
      ],
      ["POST", "/api/organizations", { code: "NO SPACES", name: "x" }, 400, /code/, ""],
      ["GET", "/api/configs/abc", undefined, 400, /id/, ""],
      ["GET", "/api/configs/9999", undefined, 404, /not found/, ""],
      [
        "POST",
        "/api/configs",
        { name: "x", usage: "PFA", url: "ftp://host", authType: "basic" },
        400,
        /url/,
        "",
      ],
      [
        "POST",
        "/api/configs",
        { name: "x", usage: "PFA", url: "https://h.test", authType: "oauth" },
        400,
        /authType/,
        "",
      ],
      [
        "POST",
        "/api/configs",
        {
          name: "x",
          usage: "PFA",
          url: "https://h.test",
          authType: "none",
          feeds: [{ entity: "cars" }],
        },
        400,
        /feeds/,
        "",
      ],
      [
        "POST",
        "/api/configs",
        { name: "x", usage: "PFA", url: "https://h.test", authType: "none", timeZone: "Mars/Base" },
        400,
        /timeZone/,
        "",
      ],
      ["PATCH", `/api/configs/${configId}`, { pageSize: 0 }, 400, /pageSize/, ""],
      [
        "PATCH",
        `/api/configs/${configId}`,
        { secretSauce: 1 },
        400,
        /secretSauce|Unrecognized/i,
        "",
      ],
      [
        "PATCH",
        `/api/configs/${configId}`,
        { password: "a", apiKey: "b" },
        400,
        /either password or apiKey/,
        "",
      ],
      ["PATCH", "/api/configs/9999", { name: "y" }, 404, /not found/, ""],
      ["POST", `/api/configs/${configId}/test`, { organization: 5 }, 400, /organization/, ""],
    ];
    for (const [method, path, body, status, message, token] of cases) {
      const response = await t.api(method, path, body, token === null ? { token: null } : {});
      const label = `${method} ${path} ${JSON.stringify(body)}`;
      assert.equal(response.status, status, `${label}: ${JSON.stringify(response.body)}`);
      assert.ok(response.body.error, `${label}: no error object`);
      assert.match(response.body.error.message, message, label);
      assert.ok(typeof response.body.error.code === "string", label);
    }
  } finally {
    await t.close();
  }
});

Deno.test("validation: unknown route gets a JSON 404", async () => {
  const t = await startTestService();
  try {
    const response = await t.api("GET", "/api/nothing-here");
    assert.equal(response.status, 404);
    assert.equal(response.body.error.code, "not_found");
  } finally {
    await t.close();
  }
});
