import type { Queryable } from "../db/database.ts";
import type { Config } from "../lib/config.ts";
import { createCredentialsCipher, type CredentialsCipher } from "../lib/credentials_cipher.ts";
import {
  CliError,
  type CliIo,
  type Command,
  main,
  type OptionValues,
  requiredOption,
  stringOption,
  UsageError,
} from "./command.ts";
import { withCliDatabase } from "./database.ts";

const keyHint = "expected 32 random bytes in base64 (create one with: openssl rand -base64 32)";

/** Creates a cipher from a key option; the message never shows the key. */
async function cipherFor(option: string, key: string): Promise<CredentialsCipher> {
  try {
    return await createCredentialsCipher(key.trim());
  } catch {
    throw new UsageError(`invalid ${option} (value hidden): ${keyHint}`);
  }
}

const secretsPath = (config: Config) => `${config.dataDir}/secrets.json`;

/** Returns true when the service reads its key from DATA_DIR/secrets.json, not the environment. */
function usesSecretsFile(config: Config): boolean {
  return !config.production && config.credentialsKey === undefined;
}

async function readSecretsFile(config: Config): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await Deno.readTextFile(secretsPath(config));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new CliError(`cannot read ${secretsPath(config)}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch {
    // The parser's message quotes the file's text, which contains the keys.
    throw new CliError(`invalid ${secretsPath(config)}: not JSON. Fix the file by hand`);
  }
}

/**
 * Returns the current key and where it came from: --old-key, else CREDENTIALS_KEY, else
 * DATA_DIR/secrets.json.
 */
async function currentKey(options: OptionValues, config: Config): Promise<[string, string]> {
  const fromOption = stringOption(options, "old-key");
  if (fromOption !== undefined) return ["--old-key", fromOption];
  if (config.credentialsKey !== undefined) return ["CREDENTIALS_KEY", config.credentialsKey];
  const stored = usesSecretsFile(config) ? await readSecretsFile(config) : undefined;
  if (typeof stored?.credentialsKey === "string") {
    return [secretsPath(config), stored.credentialsKey];
  }
  throw new CliError(
    "no current key: pass --old-key, set CREDENTIALS_KEY, or set DATA_DIR to the service's " +
      "folder with secrets.json",
  );
}

/** Counts of one rotation. */
interface Rotation {
  reencrypted: number;
  alreadyNew: number;
  configurations: number;
}

/**
 * Re-encrypts every stored credential under `next`. A value already under `next` is left as it
 * is, so a rotation that stopped half-way can run again with the same keys.
 */
async function rotate(
  tx: Queryable,
  previous: CredentialsCipher,
  next: CredentialsCipher,
): Promise<Rotation> {
  const rows = await tx.query<Record<string, string | null>>(
    `select id, name, username_encrypted, secret_encrypted from api_configurations
     order by id for update`,
  );
  const rotation: Rotation = { reencrypted: 0, alreadyNew: 0, configurations: 0 };
  for (const row of rows) {
    let changed = false;
    const values: Record<string, string | null> = {};
    for (const column of ["username_encrypted", "secret_encrypted"]) {
      const stored = row[column];
      values[column] = stored;
      if (stored === null) continue;
      if (stored.split(":")[1] === next.keyId) {
        rotation.alreadyNew++;
        continue;
      }
      const plain = await decryptOrExplain(previous, stored, `${column} of "${row.name}"`);
      values[column] = await next.encrypt(plain);
      rotation.reencrypted++;
      changed = true;
    }
    if (!changed) continue;
    rotation.configurations++;
    await tx.query(
      `update api_configurations set username_encrypted = $2, secret_encrypted = $3,
         updated_at = now() where id = $1`,
      [row.id, values.username_encrypted, values.secret_encrypted],
    );
  }
  return rotation;
}

async function decryptOrExplain(
  cipher: CredentialsCipher,
  stored: string,
  label: string,
): Promise<string> {
  const keyId = stored.split(":")[1];
  if (keyId !== cipher.keyId) {
    throw new CliError(
      `the ${label} is encrypted with key ${keyId}, but the old key is ${cipher.keyId}: ` +
        "pass the key it was written with as --old-key. Nothing was changed",
    );
  }
  try {
    return await cipher.decrypt(stored);
  } catch {
    throw new CliError(`cannot decrypt the ${label}: the value is damaged. Nothing was changed`);
  }
}

/** Writes the new secrets file next to the old one, to be renamed over it after the commit. */
async function stageSecretsFile(config: Config, newKey: string): Promise<string | undefined> {
  if (!usesSecretsFile(config)) return undefined;
  const stored = await readSecretsFile(config);
  if (stored === undefined) return undefined;
  const staged = `${secretsPath(config)}.rotating`;
  const content = JSON.stringify({ ...stored, credentialsKey: newKey }, null, 2) + "\n";
  await Deno.writeTextFile(staged, content, { mode: 0o600 });
  await Deno.chmod(staged, 0o600);
  return staged;
}

function report(io: CliIo, rotation: Rotation, next: CredentialsCipher): void {
  io.stdout(
    `re-encrypted ${rotation.reencrypted} stored credential values of ` +
      `${rotation.configurations} configurations under key ${next.keyId}` +
      (rotation.alreadyNew > 0 ? ` (${rotation.alreadyNew} were already under it)` : "") + "\n",
  );
}

/** credentials:rotate-key: re-encrypts the stored EAM credentials under a new key. */
export const credentialsRotateKey: Command = {
  name: "credentials:rotate-key",
  usage: "--new-key BASE64 [--old-key BASE64]",
  description: "Re-encrypts the stored EAM credentials (usernames, passwords, API keys) under a " +
    "new key in one transaction. Updates DATA_DIR/secrets.json when the service keeps its key " +
    "there; otherwise set CREDENTIALS_KEY to the new key. Restart the service afterwards. " +
    "Keys and credentials are never printed; key ids (8 hex digits of SHA-256) are.",
  options: [
    {
      name: "new-key",
      type: "string",
      valueName: "BASE64",
      description: "the new key: 32 random bytes in base64 (openssl rand -base64 32)",
    },
    {
      name: "old-key",
      type: "string",
      valueName: "BASE64",
      description: "the current key (default: CREDENTIALS_KEY, else DATA_DIR/secrets.json)",
    },
  ],
  async run(options: OptionValues, io: CliIo) {
    const newKey = requiredOption(options, "new-key", "BASE64").trim();
    const next = await cipherFor("--new-key", newKey);
    return await withCliDatabase(io.env, async ({ db, config }) => {
      const [source, oldKey] = await currentKey(options, config);
      const previous = await cipherFor(source, oldKey);
      if (previous.keyId === next.keyId) {
        throw new UsageError("--new-key is the current key: create another one");
      }
      const [active] = await db.query<{ count: string | number }>(
        "select count(*) as count from sync_runs where status in ('queued', 'running')",
      );
      if (Number(active.count) > 0) {
        throw new CliError(
          `${active.count} sync runs are active and read credentials with the old key: ` +
            "wait until they end or cancel them, then try again",
        );
      }
      const staged = await stageSecretsFile(config, newKey);
      let rotation: Rotation;
      try {
        rotation = await db.transaction((tx) => rotate(tx, previous, next));
      } catch (error) {
        if (staged) await Deno.remove(staged).catch(() => {});
        throw error;
      }
      report(io, rotation, next);
      if (staged) {
        await Deno.rename(staged, secretsPath(config)).catch((error) => {
          throw new CliError(
            `the credentials are now under key ${next.keyId}, but ${secretsPath(config)} was not ` +
              `updated (${error.message}): copy ${staged} over it, or set CREDENTIALS_KEY to the ` +
              "new key",
          );
        });
        io.stdout(`updated ${secretsPath(config)} with the new key; restart the service\n`);
      } else {
        io.stdout(
          "set CREDENTIALS_KEY to the new key wherever the service runs and restart it: " +
            "until then it cannot decrypt the credentials\n",
        );
      }
      return 0;
    });
  },
};

if (import.meta.main) await main(credentialsRotateKey);
