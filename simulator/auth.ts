/**
 * Credential checks of the simulator: Basic auth, or an `X-API-Key` header when one is
 * configured.
 *
 * @module
 */

import { GridRequestError } from "./request_error.ts";

/** Accepted credentials. */
export interface Credentials {
  username: string;
  password: string;
  /** When set, an `X-API-Key` header with this value is accepted too. */
  apiKey?: string;
}

/**
 * Checks the request's credentials and throws a 401 {@linkcode GridRequestError} when they are
 * missing or wrong. A present `X-API-Key` header is checked instead of Basic auth when an API
 * key is configured.
 */
export function authenticate(headers: Headers, accepted: Credentials): void {
  const presentedKey = headers.get("x-api-key");
  if (accepted.apiKey !== undefined && presentedKey !== null) {
    if (presentedKey === accepted.apiKey) return;
    throw authorizationFailed("invalid X-API-Key");
  }
  const presented = decodeBasicAuth(headers.get("authorization"));
  if (presented === null) {
    throw authorizationFailed(
      accepted.apiKey === undefined
        ? "missing Basic credentials"
        : "missing Basic credentials or X-API-Key",
    );
  }
  if (presented.username !== accepted.username || presented.password !== accepted.password) {
    throw authorizationFailed(`invalid user name or password for user "${presented.username}"`);
  }
}

/**
 * Returns a 401 error. Its message starts with "Authorization failed", which some EAM clients
 * match to stop retrying.
 */
export function authorizationFailed(reason: string): GridRequestError {
  return new GridRequestError(401, "AuthorizationFailed", `Authorization failed: ${reason}`);
}

function decodeBasicAuth(header: string | null): { username: string; password: string } | null {
  const match = header === null ? null : /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!match) return null;
  let decoded: string;
  try {
    const bytes = Uint8Array.from(atob(match[1]), (char) => char.charCodeAt(0));
    decoded = new TextDecoder().decode(bytes);
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
