import { type Database, openPostgres } from "../../db/database.ts";
import { migrate } from "../../db/migrate.ts";
import { createTestDatabase } from "./postgres.ts";

/** Creates and migrates a Postgres database for one test; `drop()` closes and drops it. */
export async function openMigratedDatabase(): Promise<Database & { drop(): Promise<void> }> {
  const database = await createTestDatabase();
  const db = openPostgres(database.url, { max: 4 });
  await migrate(db);
  return Object.assign(db, {
    async drop() {
      await db.close();
      await database.drop();
    },
  });
}
