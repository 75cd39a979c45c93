/** Failed logins allowed per email and per client address within the window. */
export const maxLoginFailures = 5;
/** Window in which failed logins count, in milliseconds: 15 minutes. */
export const loginWindowMs = 15 * 60 * 1000;

interface FailureCount {
  count: number;
  firstAt: number;
}

const keysOf = (email: string, address: string | undefined): Deno.KvKey[] => [
  ["login_failures", "email", email.toLowerCase()],
  ...(address ? [["login_failures", "address", address]] : []),
];

/**
 * Returns the seconds to wait when the email or the client address had `maxLoginFailures`
 * failed logins within the window, else undefined. The state lives in Deno KV, so it holds for
 * every process that shares the KV store.
 */
export async function loginRetryAfter(
  kv: Deno.Kv,
  email: string,
  address: string | undefined,
  now = Date.now(),
): Promise<number | undefined> {
  const entries = await kv.getMany<FailureCount[]>(keysOf(email, address));
  let waitMs = 0;
  for (const { value } of entries) {
    if (!value || value.count < maxLoginFailures) continue;
    waitMs = Math.max(waitMs, value.firstAt + loginWindowMs - now);
  }
  return waitMs > 0 ? Math.ceil(waitMs / 1000) : undefined;
}

/** Counts a failed login against the email and the client address. */
export async function recordLoginFailure(
  kv: Deno.Kv,
  email: string,
  address: string | undefined,
  now = Date.now(),
): Promise<void> {
  for (const key of keysOf(email, address)) {
    for (let attempt = 0; attempt < 5; attempt++) {
      const entry = await kv.get<FailureCount>(key);
      const current = entry.value && now - entry.value.firstAt < loginWindowMs
        ? entry.value
        : { count: 0, firstAt: now };
      const next = { count: current.count + 1, firstAt: current.firstAt };
      const result = await kv.atomic().check(entry).set(key, next, { expireIn: loginWindowMs })
        .commit();
      if (result.ok) break;
    }
  }
}

/** Forgets the failures of an email after a successful login; the address keeps its count. */
export async function clearLoginFailures(kv: Deno.Kv, email: string): Promise<void> {
  await kv.delete(keysOf(email, undefined)[0]);
}
