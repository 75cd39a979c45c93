import { toBase64 } from "./passwords.ts";

/** Secrets of a local installation, generated once and kept in DATA_DIR. */
export interface LocalSecrets {
  jwtSecret: string;
  credentialsKey: string;
}

/**
 * Reads `secrets.json` in `dataDir`, creating it (mode 0600) with fresh random values when absent.
 * Values set in the environment take precedence over the file.
 */
export async function loadLocalSecrets(
  dataDir: string,
  fromEnv: Partial<LocalSecrets>,
): Promise<LocalSecrets> {
  if (fromEnv.jwtSecret && fromEnv.credentialsKey) {
    return { jwtSecret: fromEnv.jwtSecret, credentialsKey: fromEnv.credentialsKey };
  }
  const path = `${dataDir}/secrets.json`;
  let stored: Partial<LocalSecrets> = {};
  try {
    stored = JSON.parse(await Deno.readTextFile(path));
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) {
      // The parser's message quotes the file, which contains the keys, so only its kind is kept.
      const reason = error instanceof SyntaxError ? "not valid JSON" : (error as Error).name;
      throw new Error(
        `cannot read ${path} (${reason}): restore it from a backup, or delete it to generate new ` +
          "secrets (stored EAM credentials must then be entered again)",
      );
    }
  }
  const secrets = {
    jwtSecret: stored.jwtSecret ?? randomBase64(48),
    credentialsKey: stored.credentialsKey ?? randomBase64(32),
  };
  if (!stored.jwtSecret || !stored.credentialsKey) {
    await Deno.mkdir(dataDir, { recursive: true });
    await Deno.writeTextFile(path, JSON.stringify(secrets, null, 2) + "\n", { mode: 0o600 });
  }
  return {
    jwtSecret: fromEnv.jwtSecret ?? secrets.jwtSecret,
    credentialsKey: fromEnv.credentialsKey ?? secrets.credentialsKey,
  };
}

function randomBase64(bytes: number): string {
  return toBase64(crypto.getRandomValues(new Uint8Array(bytes)));
}
