/** Why a sync could not be started: the route turns `kind` into an HTTP status. */
export class SyncStartError extends Error {
  override name = "SyncStartError";

  constructor(
    readonly kind: "not_found" | "invalid",
    message: string,
  ) {
    super(message);
  }
}

/** A failure that ends a run with its message, such as a configuration that cannot work. */
export class SyncFailure extends Error {
  override name = "SyncFailure";
}
