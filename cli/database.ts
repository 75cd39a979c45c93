import { type Database, openPglite, openPostgres } from "../db/database.ts";
import { migrate } from "../db/migrate.ts";
import { type Config, loadConfig } from "../lib/config.ts";
import { lockDataDir } from "../lib/data_dir_lock.ts";
import { CliError } from "./command.ts";

/** The database of the service, opened by a CLI task. */
export interface CliDatabase {
  db: Database;
  config: Config;
  close(): Promise<void>;
}

/**
 * Opens the service's database with the service's own settings: PostgreSQL when DATABASE_URL is
 * set, else PGlite in DATA_DIR, which only one process may open, so the service must be stopped.
 * Applies pending migrations, as the service does at start.
 *
 * @throws {ConfigError} for invalid settings.
 * @throws {CliError} when DATA_DIR is in use.
 */
export async function openCliDatabase(
  env: Record<string, string | undefined>,
): Promise<CliDatabase> {
  const config = loadConfig(env);
  let db: Database;
  let lock: Deno.FsFile | undefined;
  if (config.databaseUrl) {
    db = openPostgres(config.databaseUrl, { max: 2, prepare: config.databasePrepare });
  } else {
    try {
      lock = await lockDataDir(config.dataDir);
    } catch (error) {
      throw new CliError((error as Error).message);
    }
    db = await openPglite(`${config.dataDir}/pglite`);
  }
  try {
    await migrate(db);
  } catch (error) {
    await db.close().catch(() => {});
    lock?.close();
    throw new CliError(`cannot open the database: ${(error as Error).message}`);
  }
  return {
    db,
    config,
    async close() {
      await db.close();
      lock?.close();
    },
  };
}

/** Opens the database, runs `work` and closes the database again. */
export async function withCliDatabase<T>(
  env: Record<string, string | undefined>,
  work: (opened: CliDatabase) => Promise<T>,
): Promise<T> {
  const opened = await openCliDatabase(env);
  try {
    return await work(opened);
  } finally {
    await opened.close();
  }
}
