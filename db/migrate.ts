import type { Database } from "./database.ts";

const migrationsDir = new URL("./migrations/", import.meta.url);

/** A migration file: `NNN_name.sql`, applied in version order. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Reads the migration files of db/migrations, sorted by version. */
export async function readMigrations(dir: URL = migrationsDir): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const match = /^(\d+)_([a-z0-9_]+)\.sql$/.exec(entry.name);
    if (!entry.isFile || !match) continue;
    const sql = await Deno.readTextFile(new URL(entry.name, dir));
    migrations.push({ version: Number(match[1]), name: match[2], sql });
  }
  return migrations.sort((a, b) => a.version - b.version);
}

/**
 * Applies the migrations that are not yet recorded in `schema_migrations`, each in its own
 * transaction together with its record. Returns the versions applied.
 */
export async function migrate(db: Database, migrations?: Migration[]): Promise<number[]> {
  await db.exec(
    `create table if not exists schema_migrations (
       version integer primary key,
       name text not null,
       applied_at timestamptz not null default now()
     )`,
  );
  const rows = await db.query<{ version: number }>("select version from schema_migrations");
  const applied = new Set(rows.map((row) => Number(row.version)));
  const done: number[] = [];
  for (const migration of migrations ?? await readMigrations()) {
    if (applied.has(migration.version)) continue;
    await db.transaction(async (tx) => {
      // Serializes concurrent starts against one server: the second waits, then finds the record.
      await tx.query("lock table schema_migrations in exclusive mode");
      const again = await tx.query("select 1 from schema_migrations where version = $1", [
        migration.version,
      ]);
      if (again.length > 0) return;
      for (const statement of splitStatements(migration.sql)) await tx.query(statement);
      await tx.query("insert into schema_migrations (version, name) values ($1, $2)", [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    });
  }
  return done;
}

/**
 * Splits a migration script at semicolons that end a line. A function body therefore keeps its
 * semicolons inside lines.
 */
function splitStatements(script: string): string[] {
  return script
    .split(/;\s*$/m)
    .map((statement) => statement.replace(/^\s*--.*$/gm, "").trim())
    .filter((statement) => statement.length > 0);
}
