/**
 * The benchmark's own Postgres database: created fresh for each run, migrated with the
 * service's migrations, and dropped at the end.
 *
 * @module
 */

import postgres from "postgres";
import { openPostgres } from "../db/database.ts";
import { migrate, readMigrations } from "../db/migrate.ts";
import { ensureOrganizations } from "../db/organizations.ts";

/** A fresh, migrated database on the benchmark's server. */
export interface BenchDatabase {
  name: string;
  url: string;
  /** A connection pool of the benchmark itself (not the service's). */
  sql: postgres.Sql;
  drop(): Promise<void>;
}

/** Channel on which {@link notifyCheckpoints} reports each committed checkpoint. */
export const checkpointChannel = "pems_bench_checkpoint";

/**
 * Creates `pems_bench_<random>` on the server of `serverUrl`, applies the migrations of the
 * service in `serviceDir` and adds `organization`, which the service needs before it syncs it
 * (its REST API has no call that creates organizations).
 */
export async function createBenchDatabase(
  serverUrl: string,
  organization: string,
  serviceDir: string,
): Promise<BenchDatabase> {
  const name = `pems_bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  await onServer(serverUrl, (admin) => admin.unsafe(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;

  const dropDatabase = () =>
    onServer(serverUrl, (admin) => admin.unsafe(`drop database if exists ${name} with (force)`));
  const db = openPostgres(url.toString(), { max: 1 });
  try {
    await migrate(db, await readMigrations(new URL(`file://${serviceDir}/db/migrations/`)));
    await ensureOrganizations(db, [{ code: organization, name: `${organization} (benchmark)` }]);
  } catch (error) {
    await db.close();
    await dropDatabase();
    throw error;
  }
  await db.close();
  const sql = postgres(url.toString(), { max: 2, onnotice: () => {} });
  return {
    name,
    url: url.toString(),
    sql,
    async drop() {
      await sql.end({ timeout: 5 });
      await dropDatabase();
    },
  };
}

async function onServer(serverUrl: string, work: (admin: postgres.Sql) => Promise<unknown>) {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await work(admin);
  } finally {
    await admin.end({ timeout: 5 });
  }
}

/**
 * Adds a trigger that sends `<run id>:<processed records>` on {@link checkpointChannel} each time
 * a sync run's processed count changes. Postgres delivers a NOTIFY when the transaction commits,
 * so its arrival time marks the commit of the checkpoint. Used only by the SSE load check.
 */
export async function notifyCheckpoints(sql: postgres.Sql): Promise<void> {
  await sql.unsafe(`
    create function pems_bench_notify_checkpoint() returns trigger language plpgsql as $$
    begin
      perform pg_notify('${checkpointChannel}', new.id::text || ':' || new.processed_records);
      return null;
    end $$`);
  await sql.unsafe(`
    create trigger pems_bench_checkpoint after update of processed_records on sync_runs
    for each row when (new.processed_records is distinct from old.processed_records)
    execute function pems_bench_notify_checkpoint()`);
}

/** Removes the trigger of {@link notifyCheckpoints}. */
export async function stopNotifyingCheckpoints(sql: postgres.Sql): Promise<void> {
  await sql.unsafe("drop trigger if exists pems_bench_checkpoint on sync_runs");
  await sql.unsafe("drop function if exists pems_bench_notify_checkpoint()");
}
