import assert from "node:assert/strict";
import { createKvJobQueue, type SyncJob } from "../sync/job_queue.ts";

Deno.test("job queue: a page enqueued twice is delivered once", async () => {
  const kv = await Deno.openKv(":memory:");
  try {
    const queue = createKvJobQueue(kv);
    const received: SyncJob[] = [];
    let resolveAll: () => void;
    const all = new Promise<void>((resolve) => (resolveAll = resolve));
    const listening = queue.listen((job) => {
      received.push(job);
      if (received.length === 3) resolveAll();
      return Promise.resolve();
    });
    await queue.enqueue({ runId: "a", page: 0 });
    await queue.enqueue({ runId: "a", page: 0 });
    await queue.enqueue({ runId: "a", page: 1 });
    await queue.enqueue({ runId: "a", page: 1 });
    await queue.enqueue({ runId: "a", page: 0 });
    await queue.enqueue({ runId: "b", page: 0 });
    await all;
    // Give a duplicate time to arrive if one had been enqueued.
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(
      received.map((job) => `${job.runId}:${job.page}`).sort(),
      ["a:0", "a:1", "b:0"],
    );
    kv.close();
    await listening;
  } finally {
    try {
      kv.close();
    } catch {
      // Already closed above.
    }
  }
});

Deno.test("job queue: a handler that throws gets the job again", async () => {
  const kv = await Deno.openKv(":memory:");
  const queue = createKvJobQueue(kv);
  let attempts = 0;
  let resolveDone: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const listening = queue.listen(() => {
    attempts++;
    if (attempts === 1) return Promise.reject(new Error("transient"));
    resolveDone();
    return Promise.resolve();
  });
  await queue.enqueue({ runId: "r", page: 0 });
  await done;
  assert.equal(attempts, 2);
  kv.close();
  await listening;
});
