import type { CredentialsCipher } from "../lib/credentials_cipher.ts";
import { type ApiConfigurationInput, createApiConfiguration } from "./api_configurations.ts";
import type { Queryable } from "./database.ts";
import { ensureOrganizations } from "./organizations.ts";

/** Organizations the built-in simulator serves. */
export const demoOrganizations = [
  { code: "RIO", name: "Rio Tinto" },
  { code: "HOLNG", name: "Holcim LNG" },
  { code: "BECH", name: "Bechtel" },
  { code: "PORTARTHUR", name: "Port Arthur LNG" },
];

/** Path under which the service mounts the simulator's griddata endpoint. */
export const simulatorPath = "/pems-sim/axis/restservices/griddata";

/** Credentials and tenant the built-in simulator accepts; it serves only generated data. */
export const demoSimulatorAccess = { username: "pems", password: "pems-demo", tenant: "DEMO_DEV" };

function demoConfigurations(url: string): ApiConfigurationInput[] {
  const common = {
    url,
    authType: "basic" as const,
    username: demoSimulatorAccess.username,
    secret: demoSimulatorAccess.password,
  };
  return [
    {
      ...common,
      name: "PEMS PFA Read",
      usage: "PEMS_PFA_READ",
      operationType: "read",
      customHeaders: { tenant: demoSimulatorAccess.tenant, gridName: "CUPFAG", gridId: "100541" },
      feeds: [{
        entity: "pfa",
        views: ["Timeline Lab", "Matrix", "Grid Lab", "PFA 1.0 Lab", "PFA Master Data"],
      }],
    },
    {
      ...common,
      name: "PEMS PFA Write",
      usage: "PEMS_PFA_WRITE",
      operationType: "write",
      customHeaders: { tenant: demoSimulatorAccess.tenant, gridName: "CUPFA2" },
      feeds: [{ entity: "pfa", operation: "write" }],
    },
    {
      ...common,
      name: "PEMS Asset Master",
      usage: "PEMS_ASSETS",
      operationType: "read",
      customHeaders: { tenant: demoSimulatorAccess.tenant, gridName: "OSOBJA", gridId: "100020" },
      feeds: [{ entity: "asset_master", views: ["Asset Master"] }],
    },
    {
      ...common,
      name: "PEMS Classifications",
      usage: "PEMS_CLASSES",
      operationType: "read",
      customHeaders: { tenant: demoSimulatorAccess.tenant, gridName: "OSCATG", gridId: "100030" },
      feeds: [{ entity: "classifications", views: ["Classifications Master Data"] }],
    },
  ];
}

/**
 * Seeds the four PEMS configurations of the original system, pointing at the simulator under
 * `origin`, when no configuration exists yet. Configurations seeded earlier are moved to `origin`
 * when the service now listens elsewhere. Returns the number created.
 */
export async function seedDemo(
  db: Queryable,
  cipher: CredentialsCipher,
  origin: string,
  options: { force?: boolean } = {},
): Promise<number> {
  const url = origin + simulatorPath;
  await ensureOrganizations(db, demoOrganizations);
  await db.query(
    "update api_configurations set url = $1 where url like $2 and url <> $1",
    [url, `%${simulatorPath}`],
  );
  const [row] = await db.query<{ count: number | string }>(
    "select count(*) as count from api_configurations",
  );
  if (Number(row.count) > 0 && !options.force) return 0;
  let created = 0;
  for (const config of demoConfigurations(url)) {
    const exists = await db.query("select 1 from api_configurations where name = $1", [
      config.name,
    ]);
    if (exists.length > 0) continue;
    await createApiConfiguration(db, cipher, config);
    created++;
  }
  return created;
}

/** Returns true when no API configuration exists yet. */
export async function hasNoConfigurations(db: Queryable): Promise<boolean> {
  const rows = await db.query("select 1 from api_configurations limit 1");
  return rows.length === 0;
}
