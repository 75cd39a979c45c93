import postgres from "postgres";

/** A connection or transaction that runs parameterized SQL ($1, $2, ...). */
export interface Queryable {
  /** Runs one statement and returns its rows. */
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

/**
 * The store behind pems-sync: PostgreSQL through postgres.js, or embedded PGlite.
 * Both run the same SQL. Values differ only in bigint (postgres.js returns text),
 * so callers convert counts with `Number(...)`.
 */
export interface Database extends Queryable {
  readonly kind: "postgres" | "pglite";
  /** Runs `fn` in one transaction; it commits when `fn` resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs a script of several statements without parameters. */
  exec(script: string): Promise<void>;
  close(): Promise<void>;
}

/** Options of {@linkcode openPostgres}. */
export interface PostgresOptions {
  /** Pool size. Default 4. */
  max?: number;
  /** Use prepared statements. Default true; set false behind a transaction pooler. */
  prepare?: boolean;
}

/** Opens a pool on a PostgreSQL server given by a `postgres://` URL. */
export function openPostgres(url: string, options: PostgresOptions = {}): Database {
  const prepare = options.prepare ?? true;
  const sql = postgres(url, { max: options.max ?? 4, prepare, onnotice: () => {} });
  // postgres.js 4 prepares unsafe() queries only when asked per call; the statement texts here
  // are few and fixed, so each connection keeps them prepared.
  const wrap = (runner: postgres.Sql | postgres.TransactionSql): Queryable => ({
    query: async <T>(text: string, params: unknown[] = []) =>
      (await runner.unsafe(text, params as postgres.ParameterOrJSON<never>[], {
        prepare,
      })) as unknown as T[],
  });
  const pool = wrap(sql);
  return {
    kind: "postgres",
    query: pool.query,
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) =>
      sql.begin((tx) => fn(wrap(tx))) as unknown as Promise<T>,
    exec: async (script) => {
      await sql.unsafe(script);
    },
    close: () => sql.end({ timeout: 5 }),
  };
}

/**
 * Opens an embedded PGlite database stored in `dataDir` (or in memory when it is undefined).
 * PGlite has no lock between processes, so only one process may open a directory.
 */
export async function openPglite(dataDir?: string): Promise<Database> {
  // Loaded on demand, so a deployment on PostgreSQL never loads the WASM build.
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create(dataDir);
  // PGlite runs one statement at a time; this chain keeps transactions from interleaving.
  let tail: Promise<unknown> = Promise.resolve();
  const serialize = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work, work);
    tail = result.catch(() => {});
    return result;
  };
  return {
    kind: "pglite",
    query: <T>(text: string, params: unknown[] = []) =>
      serialize(async () => (await db.query<T>(text, params)).rows),
    transaction: (fn) =>
      serialize(() =>
        db.transaction((tx) =>
          fn({
            query: async <T>(text: string, params: unknown[] = []) =>
              (await tx.query<T>(text, params)).rows,
          })
        )
      ),
    exec: (script) => serialize(async () => void (await db.exec(script))),
    close: () => db.close(),
  };
}

/** Returns true for a unique constraint violation (SQLSTATE 23505) from either store. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "23505";
}
