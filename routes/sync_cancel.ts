import { recordAudit } from "../db/audit_log.ts";
import { appendRunEndLog, appendSyncRunLog } from "../db/sync_run_logs.ts";
import { loadSyncRun, requestCancel, type SyncRun } from "../db/sync_runs.ts";
import type { User } from "../db/users.ts";
import { publishProgress } from "../sync/progress.ts";
import { visibleRun } from "./access.ts";
import type { Services } from "./context.ts";

/**
 * Asks a run to stop after its current batch, for the REST API and the admin pages alike: records
 * the audit entry and the run's log line, and ends a queued run at once. Returns the run before
 * and after the request; a run that had already ended is returned unchanged.
 *
 * @throws {HttpError} 404 when the run does not exist or belongs to another organization.
 */
export async function cancelRunForUser(
  services: Services,
  user: User,
  syncId: string,
): Promise<{ before: SyncRun; run: SyncRun }> {
  const { db } = services;
  const before = visibleRun(user, await loadSyncRun(db, syncId), syncId);
  const run = await requestCancel(db, syncId) ?? before;
  if (run.status === "completed" || run.status === "failed" || before.status === "cancelled") {
    return { before, run };
  }
  await recordAudit(db, {
    user,
    action: "sync.cancel",
    targetType: "sync_run",
    targetId: run.id,
    organization: run.organization,
  });
  if (!before.cancelRequestedAt) {
    await appendSyncRunLog(db, run.id, {
      level: "info",
      message: "cancel requested",
      fields: { by: user.email },
    });
  }
  if (run.status === "cancelled") {
    // A queued run ends at once, and no worker will record or publish that.
    await appendRunEndLog(db, run);
    await publishProgress(services.kv, run);
  }
  return { before, run };
}
