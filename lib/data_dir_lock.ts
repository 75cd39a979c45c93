/**
 * Takes an exclusive lock on `<dataDir>/pems-sync.lock` for the life of the process, because
 * PGlite and local KV files must not be opened by two processes at once.
 *
 * @throws {Error} when another process holds the lock for more than `waitMs` (default 2000).
 */
export async function lockDataDir(dataDir: string, waitMs = 2_000): Promise<Deno.FsFile> {
  await Deno.mkdir(dataDir, { recursive: true });
  const file = await Deno.open(`${dataDir}/pems-sync.lock`, { create: true, write: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), waitMs);
  });
  const outcome = await Promise.race([file.lock(true).then(() => "locked" as const), timeout]);
  clearTimeout(timer);
  if (outcome === "timeout") {
    throw new Error(
      `DATA_DIR ${dataDir} is in use by another pems-sync process: stop it, or set DATA_DIR ` +
        "to another folder, or set DATABASE_URL to share a PostgreSQL server",
    );
  }
  return file;
}
