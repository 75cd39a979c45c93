import assert from "node:assert/strict";
import type { GridPage } from "../sync/eam_client.ts";
import type { Checkpoint } from "../sync/page_reader.ts";
import { createReadAhead } from "../sync/read_ahead.ts";

const checkpoint: Checkpoint = { cursorPosition: 701, lastKey: "1000700", paging: "cursor" };
const query = { grid: "CUPFAG", filters: ["pfs_a_org = RIO"] };
const page: GridPage = { rows: [], moreRecords: false, nextCursorPosition: 701, totalCount: null };

Deno.test("read-ahead: take returns the matching page", async () => {
  const readAhead = createReadAhead();
  readAhead.put("run-1", 1, checkpoint, query, Promise.resolve(page));
  assert.equal(readAhead.take("run-2", 1, checkpoint, query), undefined, "another run");
  assert.equal(await readAhead.take("run-1", 1, checkpoint, query), page);
  assert.equal(readAhead.take("run-1", 1, checkpoint, query), undefined, "taken only once");
});

Deno.test("read-ahead: mismatch drops the entry", () => {
  const readAhead = createReadAhead();
  const mismatches: [number, Checkpoint, unknown][] = [
    [2, checkpoint, query],
    [1, { ...checkpoint, cursorPosition: 601 }, query],
    [1, { ...checkpoint, paging: "key" }, query],
    [1, checkpoint, { ...query, filters: [] }],
  ];
  for (const [pageNumber, at, otherQuery] of mismatches) {
    readAhead.put("run-1", 1, checkpoint, query, Promise.resolve(page));
    assert.equal(readAhead.take("run-1", pageNumber, at, otherQuery), undefined);
    assert.equal(readAhead.take("run-1", 1, checkpoint, query), undefined, "entry dropped");
  }
});

Deno.test("read-ahead: expired entry dropped at next put", async () => {
  const readAhead = createReadAhead(0);
  readAhead.put("run-1", 1, checkpoint, query, Promise.reject(new Error("EAM returned HTTP 500")));
  await new Promise((resolve) => setTimeout(resolve, 5));
  readAhead.put("run-2", 1, checkpoint, query, Promise.resolve(page));
  assert.equal(readAhead.take("run-1", 1, checkpoint, query), undefined);
});

Deno.test("read-ahead: failed fetch reaches its taker", async () => {
  const readAhead = createReadAhead();
  readAhead.put("run-1", 1, checkpoint, query, Promise.reject(new Error("timed out")));
  await assert.rejects(readAhead.take("run-1", 1, checkpoint, query)!, /timed out/);
});
