import { z } from "zod";
import { entities, type EntityName } from "./entities.ts";

const entityNames = Object.keys(entities) as [EntityName, ...EntityName[]];

/** One feed of an API configuration: which entity it carries, and whether it is pulled or written. */
export const feedSchema = z.strictObject({
  entity: z.enum(entityNames),
  views: z.array(z.string().min(1)).optional(),
  operation: z.enum(["read", "write"]).optional(),
});

export const feedsSchema = z.array(feedSchema);

export type Feed = z.infer<typeof feedSchema>;

/**
 * Returns the entities a configuration pulls: those of its feeds without `"operation": "write"`.
 * Stored feeds that do not parse yield none, so a broken configuration never starts a sync.
 */
export function pullEntities(feeds: unknown): EntityName[] {
  const parsed = feedsSchema.safeParse(feeds);
  if (!parsed.success) return [];
  const pulled = parsed.data.filter((feed) => feed.operation !== "write").map((feed) =>
    feed.entity
  );
  return [...new Set(pulled)];
}
