/** A worker's claim on a sync run, kept in Deno KV. */
export interface RunLease {
  /** Extends the lease; false when another worker took it over meanwhile. */
  renew(): Promise<boolean>;
  /** Gives the lease up, if this worker still holds it. */
  release(): Promise<void>;
}

interface LeaseValue {
  owner: string;
  expiresAt: number;
}

const leaseKey = (runId: string): Deno.KvKey => ["sync_lease", runId];

/**
 * Takes the lease of a run for `ttlMs`, unless another owner holds one that has not expired.
 * Every write checks the entry's versionstamp, so two workers cannot both succeed.
 */
export async function acquireRunLease(
  kv: Deno.Kv,
  runId: string,
  owner: string,
  ttlMs: number,
): Promise<RunLease | undefined> {
  let entry = await kv.get<LeaseValue>(leaseKey(runId));
  if (entry.value && entry.value.owner !== owner && entry.value.expiresAt > Date.now()) {
    return undefined;
  }
  const write = async (current: Deno.KvEntryMaybe<LeaseValue>) => {
    const value = { owner, expiresAt: Date.now() + ttlMs };
    const result = await kv.atomic().check(current).set(leaseKey(runId), value).commit();
    return result.ok ? await kv.get<LeaseValue>(leaseKey(runId)) : undefined;
  };
  const taken = await write(entry);
  if (!taken) return undefined;
  entry = taken;

  return {
    async renew() {
      const renewed = await write(entry);
      if (renewed) entry = renewed;
      return renewed !== undefined;
    },
    async release() {
      await kv.atomic().check(entry).delete(leaseKey(runId)).commit();
    },
  };
}

/** Returns true when no worker holds a live lease on the run. */
export async function isLeaseExpired(kv: Deno.Kv, runId: string): Promise<boolean> {
  const entry = await kv.get<LeaseValue>(leaseKey(runId));
  return !entry.value || entry.value.expiresAt <= Date.now();
}
