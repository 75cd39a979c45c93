import {
  type ApiConfiguration,
  loadApiCredentials,
  recordConnectionTest,
} from "../db/api_configurations.ts";
import type { Database } from "../db/database.ts";
import { listOrganizations } from "../db/organizations.ts";
import type { CredentialsCipher } from "../lib/credentials_cipher.ts";
import { log } from "../lib/log.ts";
import { createEamClient } from "./eam_client.ts";
import { eamConnection, gridQuery } from "./eam_connection.ts";
import { entities } from "./entities.ts";
import { pullEntities } from "./feeds.ts";

/** Outcome of a connection test. */
export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  error: string | null;
}

/**
 * Asks EAM for the column list of the configuration's grid (one request, no retries) and records
 * the outcome as the configuration's status.
 */
export async function testConnection(
  db: Database,
  cipher: CredentialsCipher,
  config: ApiConfiguration,
  options: { organization?: string; fetch?: typeof fetch } = {},
): Promise<ConnectionTestResult> {
  const started = performance.now();
  let error: string | null = null;
  try {
    const organization = options.organization ?? config.customHeaders.organization ??
      (await listOrganizations(db))[0]?.code ?? "*";
    const entity = entities[pullEntities(config.feeds)[0] ?? "pfa"];
    const credentials = await loadApiCredentials(db, cipher, config.id);
    const client = createEamClient(eamConnection(config, credentials, organization), {
      fetch: options.fetch,
      retry: { maxAttempts: 1 },
    });
    await client.fetchFields(gridQuery(config, entity, organization));
  } catch (caught) {
    error = (caught as Error).message;
    log("warn", "connection test failed", { configId: config.id, error: caught });
  }
  const latencyMs = Math.round(performance.now() - started);
  await recordConnectionTest(db, config.id, error);
  return { ok: error === null, latencyMs, error };
}
