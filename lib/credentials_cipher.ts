import { fromBase64, toBase64 } from "./passwords.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encrypts and decrypts stored EAM credentials with AES-256-GCM. */
export interface CredentialsCipher {
  /** First 8 hex digits of SHA-256 of the key, stored beside each ciphertext. */
  readonly keyId: string;
  /** Returns `v1:<keyId>:<iv>:<ciphertext>` with a random 96-bit IV per call. */
  encrypt(plaintext: string): Promise<string>;
  /**
   * Decrypts a value made by {@linkcode encrypt}.
   * @throws {Error} when the key id differs or the ciphertext was altered.
   */
  decrypt(stored: string): Promise<string>;
}

/** Creates a cipher from 32 key bytes given as base64. */
export async function createCredentialsCipher(keyBase64: string): Promise<CredentialsCipher> {
  const raw = fromBase64(keyBase64);
  if (raw.length !== 32) {
    throw new Error(`invalid credentials key: ${raw.length} bytes, expected 32`);
  }
  const key = await crypto.subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, [
    "encrypt",
    "decrypt",
  ]);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", raw as BufferSource));
  const keyId = Array.from(digest.slice(0, 4), (byte) => byte.toString(16).padStart(2, "0")).join(
    "",
  );

  return {
    keyId,
    async encrypt(plaintext) {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv },
        key,
        encoder.encode(plaintext),
      );
      return `v1:${keyId}:${toBase64(iv)}:${toBase64(new Uint8Array(sealed))}`;
    },
    async decrypt(stored) {
      const [version, storedKeyId, iv, sealed] = stored.split(":");
      if (version !== "v1" || !iv || !sealed) throw new Error("invalid stored credential format");
      if (storedKeyId !== keyId) {
        throw new Error(
          `stored credential uses key ${storedKeyId}, but CREDENTIALS_KEY is key ${keyId}: ` +
            "set the key it was written with",
        );
      }
      const plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: fromBase64(iv) as BufferSource },
        key,
        fromBase64(sealed) as BufferSource,
      );
      return decoder.decode(plain);
    },
  };
}
