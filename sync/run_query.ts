import type { ApiConfiguration } from "../db/api_configurations.ts";
import type { SyncRun } from "../db/sync_runs.ts";
import type { GridRow } from "./eam_client.ts";
import { gridQuery } from "./eam_connection.ts";
import type { EntityDefinition } from "./entities.ts";
import { type GridQuery, withFilter } from "./grid_request.ts";
import { SyncFailure } from "./sync_errors.ts";
import { formatEamDateTime } from "./time_zone.ts";

/** Builds a run's grid query: organization filter, key order and, when incremental, the watermark. */
export function runQuery(
  config: ApiConfiguration,
  definition: EntityDefinition,
  run: SyncRun,
): GridQuery {
  const query = gridQuery(config, definition, run.organization);
  if (run.mode !== "incremental" || !run.watermark) return query;
  const since = formatEamDateTime(new Date(run.watermark), config.timeZone);
  return withFilter(query, { alias: definition.lastModifiedAlias, operator: ">=", value: since });
}

/**
 * Rejects a page holding rows of another organization. Besides a wrong filter, this catches
 * cells decoded under the wrong alias names after EAM renumbered the grid's columns mid-run.
 */
export function checkOrganization(
  rows: GridRow[],
  definition: EntityDefinition,
  organization: string,
) {
  const stray = rows.find((row) => row.cells[definition.organizationAlias] !== organization);
  if (!stray) return;
  throw new SyncFailure(
    `EAM returned row ${stray.id} with ${definition.organizationAlias} ` +
      `"${stray.cells[definition.organizationAlias] ?? ""}" in a sync of ${organization}: the ` +
      "grid's columns or filters may have changed; start the sync again",
  );
}
