import type { GridField } from "./eam_client.ts";

/** Differences between a grid's FIELDS and those of the last successful run. */
export interface SchemaDrift {
  missing: string[];
  retyped: { name: string; from: string; to: string }[];
  added: string[];
}

/**
 * Compares two FIELDS lists by alias name. A renamed column shows as one missing and one added.
 * Returns undefined when nothing was stored before or no column went missing or changed type.
 */
export function detectSchemaDrift(
  previous: GridField[] | undefined,
  current: GridField[],
): SchemaDrift | undefined {
  if (!previous || previous.length === 0) return undefined;
  const now = new Map(current.map((field) => [field.name, field]));
  const before = new Set(previous.map((field) => field.name));
  const drift: SchemaDrift = { missing: [], retyped: [], added: [] };
  for (const field of previous) {
    const match = now.get(field.name);
    if (!match) drift.missing.push(field.name);
    else if (match.type !== field.type) {
      drift.retyped.push({ name: field.name, from: field.type, to: match.type });
    }
  }
  drift.added = current.filter((field) => !before.has(field.name)).map((field) => field.name);
  return drift.missing.length > 0 || drift.retyped.length > 0 ? drift : undefined;
}

/** Describes a drift in one line that names every changed column. */
export function describeSchemaDrift(grid: string, drift: SchemaDrift): string {
  const parts: string[] = [];
  if (drift.missing.length > 0) parts.push(`missing ${drift.missing.join(", ")}`);
  if (drift.retyped.length > 0) {
    const changes = drift.retyped.map((change) =>
      `${change.name} (${change.from} to ${change.to})`
    );
    parts.push(`retyped ${changes.join(", ")}`);
  }
  if (drift.added.length > 0) parts.push(`new ${drift.added.join(", ")}`);
  return `grid ${grid} changed since the last successful run: ${parts.join("; ")}`;
}
