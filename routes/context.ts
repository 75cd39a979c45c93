import type { Database } from "../db/database.ts";
import type { User } from "../db/users.ts";
import type { CredentialsCipher } from "../lib/credentials_cipher.ts";
import type { JobQueue } from "../sync/job_queue.ts";

/** The services every route can reach. */
export interface Services {
  db: Database;
  kv: Deno.Kv;
  queue: JobQueue;
  cipher: CredentialsCipher;
  jwtSecret: string;
  /** Rows per upsert transaction of new runs. */
  syncBatchSize: number;
  /** Aborted when the server shuts down, so open SSE streams end. */
  shutdown: AbortSignal;
  /** Serves EAM requests under /pems-sim in demo mode. */
  simulator?: { handle(request: Request): Promise<Response> };
  /** The fetch used for EAM requests. Default: the global fetch. */
  fetch?: typeof fetch;
}

/** Hono environment of the app: the signed-in user, set by the auth middleware. */
export interface AppEnv {
  Variables: { user: User };
}
