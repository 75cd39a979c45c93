import type { Queryable } from "./database.ts";

/** An EAM organization such as RIO or HOLNG. */
export interface Organization {
  code: string;
  name: string;
}

export async function listOrganizations(db: Queryable): Promise<Organization[]> {
  return await db.query<Organization>("select code, name from organizations order by code");
}

export async function organizationExists(db: Queryable, code: string): Promise<boolean> {
  const rows = await db.query("select 1 from organizations where code = $1", [code]);
  return rows.length > 0;
}

/** Inserts organizations that do not exist yet; existing names are kept. */
export async function ensureOrganizations(
  db: Queryable,
  organizations: Organization[],
): Promise<void> {
  if (organizations.length === 0) return;
  await db.query(
    `insert into organizations (code, name)
     select * from unnest($1::text[], $2::text[]) on conflict (code) do nothing`,
    [organizations.map((org) => org.code), organizations.map((org) => org.name)],
  );
}
